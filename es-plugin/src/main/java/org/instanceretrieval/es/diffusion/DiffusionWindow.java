package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.rank.RankDoc;
import org.elasticsearch.search.sort.ShardDocSortField;
import org.instanceretrieval.es.query.FirstRoundVectors;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.math.RankingOrder;
import org.instanceretrieval.math.VectorMath;

import java.util.ArrayList;
import java.util.List;

/**
 * The window of the {@code diffusion} retriever: the inner retriever's top hits in first-pass
 * order, as rank documents, with their {@code _id}s and vectors (for {@code cosine} fields
 * L2-normalised, as Elasticsearch indexes them; a hit without a vector gets zeros), and its
 * re-ranking by diffusion scores. Immutable once read.
 *
 * @param docs    the hits as rank documents (doc, shard index, first-pass score and rank)
 * @param ids     the hits' {@code _id}s
 * @param vectors the hits' vectors, or null for a window read without them ({@link #withoutVectors}: offline re-ranking
 *                needs only the documents and ids)
 */
record DiffusionWindow(RankDoc[] docs, String[] ids, float[][] vectors) {

    int size() {
        return docs.length;
    }

    /**
     * Reads the window of a search sorted by score then {@code _shard_doc} with the field's values fetched.
     *
     * @throws IllegalArgumentException if a hit holds other than one vector of the field's dims
     */
    static DiffusionWindow read(SearchResponse response, VectorFieldInfo mapping) {
        SearchHit[] hits = response.getHits().getHits();
        int n = hits.length;
        RankDoc[] docs = new RankDoc[n];
        String[] ids = new String[n];
        float[][] vectors = new float[n][];
        boolean cosine = "cosine".equals(mapping.similarity());
        for (int i = 0; i < n; i++) {
            SearchHit hit = hits[i];
            docs[i] = rankDoc(hit, i);
            ids[i] = hit.getId();
            float[] v = vectorOf(hit, mapping);
            vectors[i] = cosine && v != null ? VectorMath.l2Normalized(v) : v == null ? new float[mapping.dims()] : v;
        }
        return new DiffusionWindow(docs, ids, vectors);
    }

    /**
     * The window of unpooled {@code hits} (a search sorted by score then {@code _shard_doc}) whose vectors were read from the
     * index ({@link FirstRoundVectors#readFromIndex}): the indexed floats, for {@code cosine} fields L2-normalised as in
     * {@link #read}.
     */
    static DiffusionWindow of(SearchHit[] hits, FirstRoundVectors.Hits vectors, VectorFieldInfo mapping) {
        int n = hits.length;
        RankDoc[] docs = new RankDoc[n];
        String[] ids = new String[n];
        float[][] rows = new float[n][];
        boolean cosine = "cosine".equals(mapping.similarity());
        for (int i = 0; i < n; i++) {
            docs[i] = rankDoc(hits[i], i);
            ids[i] = hits[i].getId();
            float[] v = vectors.vector(i);
            rows[i] = cosine ? VectorMath.l2Normalized(v) : v;
        }
        return new DiffusionWindow(docs, ids, rows);
    }

    /** The window of unpooled {@code hits} (a search sorted by score then {@code _shard_doc}) without their vectors. */
    static DiffusionWindow withoutVectors(SearchHit[] hits) {
        RankDoc[] docs = new RankDoc[hits.length];
        String[] ids = new String[hits.length];
        for (int i = 0; i < hits.length; i++) {
            docs[i] = rankDoc(hits[i], i);
            ids[i] = hits[i].getId();
        }
        return new DiffusionWindow(docs, ids, null);
    }

    /** Copies of {@code pooled} hits that stay valid after their response is released. */
    static SearchHit[] unpooled(SearchHit[] pooled) {
        SearchHit[] hits = new SearchHit[pooled.length];
        for (int j = 0; j < hits.length; j++) {
            hits[j] = pooled[j].asUnpooled();
        }
        return hits;
    }

    /** The similarity of {@code query} to each window vector ({@link VectorMath#dotInDouble}), in window order. */
    float[] similarities(float[] query) {
        float[] s = new float[vectors.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = VectorMath.dotInDouble(query, vectors[i]);
        }
        return s;
    }

    private static RankDoc rankDoc(SearchHit hit, int i) {
        Object[] sortValues = hit.getRawSortValues();
        long shardDoc = (long) sortValues[sortValues.length - 1];
        RankDoc doc = new RankDoc(ShardDocSortField.decodeDoc(shardDoc), hit.getScore(), ShardDocSortField.decodeShardRequestIndex(shardDoc));
        doc.rank = i + 1;
        return doc;
    }

    /** The hit's vector from the fetched field values, or null when it has none. */
    private static float[] vectorOf(SearchHit hit, VectorFieldInfo mapping) {
        DocumentField values = hit.getFields().get(mapping.field());
        if (values == null || values.getValues().isEmpty()) {
            return null;
        }
        List<Object> flat = values.getValues();
        if (flat.size() == 1 && flat.get(0) instanceof List<?> nested) {
            flat = new ArrayList<>(nested);
        }
        if (flat.size() != mapping.dims()) {
            throw new IllegalArgumentException("[" + DiffusionRetrieverBuilder.NAME + "] field [" + mapping.field() + "] of document ["
                + hit.getId() + "] holds [" + flat.size() + "] values, not one vector of [" + mapping.dims() + "]");
        }
        float[] v = new float[flat.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) flat.get(i)).floatValue();
        }
        return v;
    }

    /** The window re-ranked by f (one value per window item, in window order), ties in window order. */
    RankDoc[] rank(double[] f) {
        int n = size();
        int[] ranking = RankingOrder.rank(f);
        double[] inRankOrder = new double[n];
        for (int r = 0; r < n; r++) {
            inRankOrder[r] = f[ranking[r]];
        }
        float[] scores = strictlyDecreasing(inRankOrder);
        RankDoc[] ranked = new RankDoc[n];
        for (int r = 0; r < n; r++) {
            RankDoc hit = docs[ranking[r]];
            ranked[r] = new RankDoc(hit.doc, scores[r], hit.shardIndex);
            ranked[r].rank = r + 1;
        }
        return ranked;
    }

    /**
     * Scores along the ranking (f in rank order, non-increasing): f as a float, raised by the
     * fewest ulps that make them strictly decreasing, and at least {@link Float#MIN_VALUE}
     * (Elasticsearch merges equal scores by shard, and a {@code RankDoc} score must be positive).
     */
    static float[] strictlyDecreasing(double[] fInRankOrder) {
        float[] scores = new float[fInRankOrder.length];
        float below = 0f;
        for (int r = fInRankOrder.length - 1; r >= 0; r--) {
            float s = (float) Math.max(fInRankOrder[r], 0d);
            if (s <= below) {
                s = Math.nextUp(below);
            }
            scores[r] = s;
            below = s;
        }
        return scores;
    }
}
