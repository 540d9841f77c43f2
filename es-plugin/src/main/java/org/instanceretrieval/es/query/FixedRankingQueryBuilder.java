package org.instanceretrieval.es.query;

import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.vectors.KnnScoreDocQueryBuilder;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A ranking computed on the coordinating node and served on the shards: a list of documents, each with its score. What
 * names a document (its {@code _id}, or its shard and {@code _seq_no}) and how a shard finds its own is the subclass's;
 * this base holds the scores (finite, at least 0), the wire and display frame, equality, and serves the found documents with
 * Elasticsearch's score-doc query, as its kNN search serves the global top k.
 * <p>
 * Internal: the rewritten form of a query, refused in a request body ({@link #refused}); x-content for display only
 * (profile, validate). Immutable.
 */
abstract class FixedRankingQueryBuilder<QB extends FixedRankingQueryBuilder<QB>> extends AbstractQueryBuilder<QB> {

    private final float[] scores;

    /** @throws IllegalArgumentException on a score that is not finite or below 0 */
    FixedRankingQueryBuilder(String name, float[] scores) {
        for (float score : scores) {
            if ((score >= 0 && Float.isFinite(score)) == false) {
                throw new IllegalArgumentException("[" + name + "] scores must be finite and >= 0 but one was [" + score + "]");
            }
        }
        this.scores = scores.clone();
    }

    FixedRankingQueryBuilder(StreamInput in) throws IOException {
        super(in);
        this.scores = in.readFloatArray();
    }

    /** The refusal of the query {@code name} in a request body. */
    static IllegalArgumentException refused(String name) {
        return new IllegalArgumentException("[" + name + "] is the rewritten form of a [" + RetrievalKnnQueryBuilder.NAME
            + "] query with [query_set] expansion and cannot be given in a request");
    }

    /** The number of documents listed. */
    public final int size() {
        return scores.length;
    }

    /** The score of document {@code i}. */
    final float score(int i) {
        return scores[i];
    }

    @Override
    protected final void doWriteTo(StreamOutput out) throws IOException {
        out.writeFloatArray(scores);
        writeDocuments(out);
    }

    /** Writes what names the documents (read back by the subclass's stream constructor, after this base's). */
    abstract void writeDocuments(StreamOutput out) throws IOException;

    @Override
    protected final void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(getWriteableName()).startArray("docs");
        for (int i = 0; i < scores.length; i++) {
            builder.startObject();
            documentToXContent(builder, i);
            builder.field("score", scores[i]).endObject();
        }
        builder.endArray();
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    /** The fields that name document {@code i}, for display. */
    abstract void documentToXContent(XContentBuilder builder, int i) throws IOException;

    /** The found documents (shard-level doc ids with their listed scores) as the shard's query, or match-none. */
    final Query served(List<ScoreDoc> found, SearchExecutionContext context) throws IOException {
        if (found.isEmpty()) {
            return new MatchNoDocsQuery("[" + getWriteableName() + "] no listed document on this shard");
        }
        return new KnnScoreDocQueryBuilder(found.toArray(ScoreDoc[]::new), null, null, null).toQuery(context);
    }

    @Override
    protected final boolean doEquals(QB other) {
        return Arrays.equals(scores, ((FixedRankingQueryBuilder<?>) other).scores) && sameDocuments(other);
    }

    /** Whether {@code other} names the same documents in the same order. */
    abstract boolean sameDocuments(QB other);

    @Override
    protected final int doHashCode() {
        return 31 * Arrays.hashCode(scores) + documentsHashCode();
    }

    abstract int documentsHashCode();

    @Override
    public final TransportVersion getMinimalSupportedVersion() {
        return TransportVersions.V_8_0_0;
    }
}
