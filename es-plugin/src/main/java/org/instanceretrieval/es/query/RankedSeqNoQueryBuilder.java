package org.instanceretrieval.es.query;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.mapper.SeqNoFieldMapper;
import org.elasticsearch.index.query.MatchNoneQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fixed ranking computed on the coordinating node (query-set expansion of {@code retrieval_knn}, {@link QuerySetRanking}),
 * served on the shards, each document identified by its shard (index name, index UUID, shard number) and its {@code _seq_no},
 * the handle {@link FirstRoundShardAction} answers: no {@code _id} is ever loaded. A shard serves the entries of its own
 * shard only: a points/doc-values set query on {@code _seq_no} (the field type's own terms query) finds the live documents
 * carrying those numbers, the last of a nested block (its parent) taken, and Elasticsearch's score-doc query serves them with
 * their listed scores (times the boost), as its kNN search serves the global top k.
 * <p>
 * The first round may have read the primary and the final query a replica, or the other way round: the primary assigns a
 * document's {@code _seq_no} to the operation that indexed it and every copy holds the same value, so the handle is the same on
 * every copy. A document updated or deleted between the first round and the final query has a new {@code _seq_no} or none and
 * simply drops out of the hits (as a deleted document dropped out of the {@code _id} lookup before); a copy that has not yet
 * refreshed an operation the other copy had serves the document as it last saw it, or not at all.
 *
 * <p>Internal: the rewritten form of a query, refused in a request body; x-content for display only (profile, validate).
 * Immutable.
 */
public final class RankedSeqNoQueryBuilder extends FixedRankingQueryBuilder<RankedSeqNoQueryBuilder> {

    public static final String NAME = "retrieval_ranked_seq_nos";

    private final String[] indexNames;
    private final String[] indexUuids;
    private final int[] shardNumbers;
    private final int[] shardOf;
    private final long[] seqNos;

    /**
     * @param indexNames   per shard of the table: its index's name (display only)
     * @param indexUuids   per shard of the table: its index's UUID
     * @param shardNumbers per shard of the table: its number
     * @param shardOf      per document: its shard's place in the table
     * @param seqNos       per document: its {@code _seq_no}
     * @param scores       per document: its score, finite and at least 0
     * @throws IllegalArgumentException on arrays of different lengths, a shard out of the table or a score out of range
     */
    public RankedSeqNoQueryBuilder(String[] indexNames, String[] indexUuids, int[] shardNumbers, int[] shardOf, long[] seqNos,
                                   float[] scores) {
        super(NAME, scores);
        if (indexNames.length != indexUuids.length || indexUuids.length != shardNumbers.length || shardOf.length != seqNos.length
            || seqNos.length != scores.length) {
            throw new IllegalArgumentException("[" + NAME + "] needs one name, UUID and number per shard and one shard, seq_no and score "
                + "per document");
        }
        for (int i = 0; i < shardOf.length; i++) {
            if (shardOf[i] < 0 || shardOf[i] >= shardNumbers.length) {
                throw new IllegalArgumentException("[" + NAME + "] document [" + i + "] names shard [" + shardOf[i] + "] of "
                    + shardNumbers.length);
            }
        }
        this.indexNames = indexNames.clone();
        this.indexUuids = indexUuids.clone();
        this.shardNumbers = shardNumbers.clone();
        this.shardOf = shardOf.clone();
        this.seqNos = seqNos.clone();
    }

    public RankedSeqNoQueryBuilder(StreamInput in) throws IOException {
        super(in);
        this.indexNames = in.readStringArray();
        this.indexUuids = in.readStringArray();
        this.shardNumbers = in.readVIntArray();
        this.shardOf = in.readVIntArray();
        this.seqNos = in.readVLongArray();
    }

    @Override
    void writeDocuments(StreamOutput out) throws IOException {
        out.writeStringArray(indexNames);
        out.writeStringArray(indexUuids);
        out.writeVIntArray(shardNumbers);
        out.writeVIntArray(shardOf);
        out.writeVLongArray(seqNos);
    }

    /** Refuses the query in a request body. */
    public static RankedSeqNoQueryBuilder fromXContent(XContentParser parser) {
        throw refused(NAME);
    }

    @Override
    void documentToXContent(XContentBuilder builder, int i) throws IOException {
        int s = shardOf[i];
        builder.field("_index", indexNames[s]).field("_shard", shardNumbers[s]).field("_seq_no", seqNos[i]);
    }

    /** The place in the shard table of the shard of {@code context}, or -1. */
    private int shardOf(SearchExecutionContext context) {
        String uuid = context.index().getUUID();
        for (int s = 0; s < shardNumbers.length; s++) {
            if (shardNumbers[s] == context.getShardId() && indexUuids[s].equals(uuid)) {
                return s;
            }
        }
        return -1;
    }

    /** On a shard none of the documents belongs to: match none. */
    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        SearchExecutionContext shard = context.convertToSearchExecutionContext();
        if (shard != null && shardOf(shard) < 0) {
            return new MatchNoneQueryBuilder("[" + NAME + "] lists no document of shard [" + shard.index().getName() + "]["
                + shard.getShardId() + "]");
        }
        return this;
    }

    @Override
    protected Query doToQuery(SearchExecutionContext context) throws IOException {
        int shard = shardOf(context);
        int count = 0;
        long[] keys = new long[seqNos.length];
        float[] byKey = new float[seqNos.length];
        for (int i = 0; i < seqNos.length; i++) {
            if (shardOf[i] == shard) {
                keys[count++] = seqNos[i];
            }
        }
        keys = Arrays.copyOf(keys, count);
        Arrays.sort(keys);
        List<Long> terms = new ArrayList<>(count);
        for (int i = 0; i < seqNos.length; i++) {
            if (shardOf[i] == shard) {
                byKey[Arrays.binarySearch(keys, seqNos[i])] = score(i);
                terms.add(seqNos[i]);
            }
        }
        if (count == 0) {
            return new MatchNoDocsQuery("[" + NAME + "] no listed document on this shard");
        }
        IndexSearcher searcher = context.searcher();
        Query set = searcher.rewrite(context.getFieldType(SeqNoFieldMapper.NAME).termsQuery(terms, context));
        Weight weight = searcher.createWeight(set, ScoreMode.COMPLETE_NO_SCORES, 1f);
        List<ScoreDoc> found = new ArrayList<>();
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            NumericDocValues values = DocValues.getNumeric(leaf.reader(), SeqNoFieldMapper.NAME);
            Bits live = leaf.reader().getLiveDocs();
            DocIdSetIterator it = scorer.iterator();
            long previous = Long.MIN_VALUE;
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if ((live == null || live.get(doc)) == false || values.advanceExact(doc) == false) {
                    continue;
                }
                long seqNo = values.longValue();
                int k = Arrays.binarySearch(keys, seqNo);
                if (k < 0) {
                    continue;
                }
                ScoreDoc hit = new ScoreDoc(leaf.docBase + doc, byKey[k]);
                if (seqNo == previous) { // a nested block shares its parent's _seq_no; the parent ends the block
                    found.set(found.size() - 1, hit);
                } else {
                    found.add(hit);
                }
                previous = seqNo;
            }
        }
        return served(found, context);
    }

    @Override
    boolean sameDocuments(RankedSeqNoQueryBuilder other) {
        return Arrays.equals(indexNames, other.indexNames) && Arrays.equals(indexUuids, other.indexUuids)
            && Arrays.equals(shardNumbers, other.shardNumbers) && Arrays.equals(shardOf, other.shardOf)
            && Arrays.equals(seqNos, other.seqNos);
    }

    @Override
    int documentsHashCode() {
        return Objects.hash(Arrays.hashCode(indexUuids), Arrays.hashCode(shardNumbers), Arrays.hashCode(shardOf), Arrays.hashCode(seqNos));
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }
}
