package org.instanceretrieval.es.query;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.Uid;
import org.elasticsearch.index.query.MatchNoneQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.vectors.IdTerms;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fixed ranking computed on the coordinating node (query-set expansion of {@code retrieval_knn},
 * {@link QuerySetRanking}), served on the shards: it matches exactly the listed documents, each
 * identified by its concrete index and {@code _id}, with its listed score (times the boost).
 * On a shard the ids are looked up in the {@code _id} terms of the shard's reader (live documents
 * only; of a nested block, which carries its parent's {@code _id}, the parent) and the matches are served by Elasticsearch's own
 * score-doc query, as its kNN search
 * serves the global top k. A listed document that no longer exists is not matched.
 *
 * <p>Internal: it is the rewritten form of a query and cannot be given in a request (as
 * Elasticsearch's {@code knn_score_doc}); it is x-content only for display (profile, validate).
 * Immutable.
 */
public final class RankedDocsQueryBuilder extends FixedRankingQueryBuilder<RankedDocsQueryBuilder> {

    public static final String NAME = "retrieval_ranked_docs";

    private final String[] indices;
    private final String[] ids;

    /**
     * @param indices the concrete index of each document
     * @param ids     the {@code _id} of each document
     * @param scores  the score of each document, finite and at least 0
     * @throws IllegalArgumentException on arrays of different lengths or a score out of range
     */
    public RankedDocsQueryBuilder(String[] indices, String[] ids, float[] scores) {
        super(NAME, scores);
        if (indices.length != ids.length || ids.length != scores.length) {
            throw new IllegalArgumentException("[" + NAME + "] needs one index, id and score per document");
        }
        this.indices = indices.clone();
        this.ids = ids.clone();
    }

    public RankedDocsQueryBuilder(StreamInput in) throws IOException {
        super(in);
        this.indices = in.readStringArray();
        this.ids = in.readStringArray();
    }

    @Override
    void writeDocuments(StreamOutput out) throws IOException {
        out.writeStringArray(indices);
        out.writeStringArray(ids);
    }

    /** Refuses the query in a request body. */
    public static RankedDocsQueryBuilder fromXContent(XContentParser parser) {
        throw refused(NAME);
    }

    @Override
    void documentToXContent(XContentBuilder builder, int i) throws IOException {
        builder.field("_index", indices[i]).field("_id", ids[i]);
    }

    /** On a shard of an index none of the documents belongs to: match none. */
    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        SearchExecutionContext shard = context.convertToSearchExecutionContext();
        if (shard != null && Arrays.asList(indices).contains(shard.index().getName()) == false) {
            return new MatchNoneQueryBuilder("[" + NAME + "] lists no document of index [" + shard.index().getName() + "]");
        }
        return this;
    }

    @Override
    protected Query doToQuery(SearchExecutionContext context) throws IOException {
        String index = context.index().getName();
        IndexReader reader = context.getIndexReader();
        List<ScoreDoc> found = new ArrayList<>();
        boolean[] done = new boolean[ids.length];
        PostingsEnum postings = null;
        for (LeafReaderContext leaf : reader.leaves()) {
            Terms terms = leaf.reader().terms(IdFieldMapper.NAME);
            if (terms == null) {
                continue;
            }
            TermsEnum termsEnum = terms.iterator();
            Bits live = leaf.reader().getLiveDocs();
            for (int i = 0; i < ids.length; i++) {
                if (done[i] || index.equals(indices[i]) == false || termsEnum.seekExact(Uid.encodeId(ids[i])) == false) {
                    continue;
                }
                postings = termsEnum.postings(postings, PostingsEnum.NONE);
                int doc = IdTerms.topLevelDoc(postings, live); // a nested block carries its parent's _id: the parent ends it
                if (doc >= 0) {
                    found.add(new ScoreDoc(leaf.docBase + doc, score(i)));
                    done[i] = true;
                }
            }
        }
        return served(found, context);
    }

    @Override
    boolean sameDocuments(RankedDocsQueryBuilder other) {
        return Arrays.equals(indices, other.indices) && Arrays.equals(ids, other.ids);
    }

    @Override
    int documentsHashCode() {
        return Objects.hash(Arrays.hashCode(indices), Arrays.hashCode(ids));
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }
}
