package org.instanceretrieval.es.rescore;

import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.elasticsearch.search.rescore.RescoreContext;
import org.elasticsearch.search.rescore.Rescorer;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

/**
 * A rescorer that re-ranks a shard's whole rescore window at once (the {@code diffusion} and {@code k_reciprocal} rescorers):
 * it takes the first {@code window_size} hits in first-pass order, asks the subclass for their new order and scores
 * ({@link #rank}), and returns only the window in that order. Hits after the window are dropped (their first-pass scores are
 * not comparable with the new ones); the window's hits are marked rescored, so {@link #explain} says how their score came
 * about. An empty result is returned as it is.
 */
public abstract class WindowRescorer implements Rescorer {

    /**
     * The window's new order and scores.
     *
     * @param ranking window positions (first-pass order) from best to worst, each once
     * @param score the new score of a window position
     */
    public record WindowRanking(int[] ranking, IntToDoubleFunction score) {}

    private final String explanation;

    /** @param explanation what the score of a rescored hit is, for {@link #explain} */
    protected WindowRescorer(String explanation) {
        this.explanation = explanation;
    }

    /**
     * Ranks the window.
     *
     * @param window the first hits of the shard in first-pass order (at least one, at most the window size)
     */
    protected abstract WindowRanking rank(ScoreDoc[] window, IndexSearcher searcher, RescoreContext context) throws IOException;

    @Override
    public final TopDocs rescore(TopDocs topDocs, IndexSearcher searcher, RescoreContext context) throws IOException {
        if (topDocs == null || topDocs.scoreDocs.length == 0) {
            return topDocs;
        }
        ScoreDoc[] window = Arrays.copyOf(topDocs.scoreDocs, Math.min(context.getWindowSize(), topDocs.scoreDocs.length));
        WindowRanking ranked = rank(window, searcher, context);
        int[] ranking = ranked.ranking();
        ScoreDoc[] rescored = new ScoreDoc[window.length];
        Set<Integer> docs = new HashSet<>();
        for (int r = 0; r < ranking.length; r++) {
            ScoreDoc hit = window[ranking[r]];
            rescored[r] = new ScoreDoc(hit.doc, (float) ranked.score().applyAsDouble(ranking[r]), hit.shardIndex);
            docs.add(hit.doc);
        }
        context.setRescoredDocs(docs);
        return new TopDocs(topDocs.totalHits, rescored);
    }

    @Override
    public final Explanation explain(int topLevelDocId, IndexSearcher searcher, RescoreContext context,
                                     Explanation sourceExplanation) {
        if (context.isRescored(topLevelDocId) == false) {
            return sourceExplanation;
        }
        return Explanation.match(sourceExplanation.getValue(), explanation, sourceExplanation);
    }
}
