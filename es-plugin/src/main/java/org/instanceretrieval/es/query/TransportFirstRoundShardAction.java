package org.instanceretrieval.es.query;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.join.DiversifyingChildrenFloatKnnVectorQuery;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.mapper.SeqNoFieldMapper;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;
import org.instanceretrieval.es.vectors.ShardReadRequest;
import org.instanceretrieval.es.vectors.ShardReadServices;
import org.instanceretrieval.es.vectors.TransportShardReadAction;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.search.KnnScan;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Serves {@link FirstRoundShardAction} on a node holding a copy of the shard, on the search pool: acquires the shard's current
 * searcher (with the reader wrapper of the node, e.g. document-level security), rewrites the first-round query against it as a
 * search's shard rewrite does ({@link Rewriteable#rewrite}; a step that would need an asynchronous fetch fails the request),
 * runs it for the top {@code size} ({@code IndexSearcher#search(Query, int)}: score descending, ties by document, the order of a
 * search's query phase; Elasticsearch's kNN query as a scan of every vector where that is cheaper than its graph search,
 * {@link #search}), then visits the hits in document order to read each one's {@code _seq_no} doc value and, for the first
 * {@code pool} hits in rank order, its vector from the field's {@code FloatVectorValues} (the indexed floats: L2-normalised for
 * {@code cosine}). Nothing is fetched: no stored field, no {@code _id}, no {@code _source}.
 * <p>
 * The {@code _seq_no} is the hit's handle for the final query ({@link RankedSeqNoQueryBuilder}): the primary assigns it to the
 * indexing operation and every copy of the shard holds the same value, so another copy may serve the final query; it is unique
 * among the live documents of a shard (a nested block shares its parent's, the parent ends the block).
 * <p>
 * Memory charged to the {@code retrieval} breaker once the query answered and before the answer's arrays are allocated,
 * {@link #bytes}: {@code n x 20 + v x 4 x dims} bytes for n hits of which v carry a vector of dims floats; released when the
 * answer is built (the search's own {@code TopDocs} is Lucene's, as in any search).
 */
public final class TransportFirstRoundShardAction extends TransportShardReadAction<FirstRoundShardAction.Params, FirstRoundShardAction.Result> {

    @Inject
    public TransportFirstRoundShardAction(ShardReadServices services) {
        super(FirstRoundShardAction.INSTANCE, services);
    }

    /** The bytes charged on the shard's node for {@code hits} hits, {@code vectors} of them with a vector of {@code dims} floats. */
    public static long bytes(int hits, int vectors, int dims) {
        return hits * 20L + vectors * 4L * dims;
    }

    @Override
    protected FirstRoundShardAction.Result shardRead(ShardReadRequest<FirstRoundShardAction.Params> request, ShardId shardId,
        IndexService indexService) throws IOException {
        String field = request.field();
        denseVectorField(indexService, field);
        FirstRoundShardAction.Params params = request.params();
        IndexShard shard = indexService.getShard(shardId.id());
        try (Engine.Searcher searcher = shard.acquireSearcher("retrieval_query_set_first_round")) {
            SearchExecutionContext context = indexService.newSearchExecutionContext(shardId.id(), 0, searcher, System::currentTimeMillis,
                null, Map.of());
            QueryBuilder rewritten = Rewriteable.rewrite(params.query(), context, true);
            Query query = context.toQuery(rewritten).query();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            TopDocs top = search(searcher, leaves, query, params.size());
            int dims = floatDims(leaves, field, shardId.getIndexName());
            ScoreDoc[] hits = top.scoreDocs;
            int vectors = dims == 0 ? 0 : Math.min(params.pool(), hits.length);
            try (Reservation memory = breaker.reserve(bytes(hits.length, vectors, dims),
                "[query_set] first round of " + hits.length + " hits of [" + field + "] on shard " + shardId)) {
                return read(leaves, field, hits, vectors, dims, shardId.getIndex().getUUID(), vectors == Math.min(params.pool(), hits.length));
            }
        }
    }

    /**
     * The shard's top {@code size} hits of the first-round query: Elasticsearch's own kNN query on a float field (no nested
     * parent, no wrapper) is run as a {@link KnnScan} of every vector, with the query's target and filter, where the scan is
     * expected to be cheaper than the graph search ({@link KnnScan#cheaperThanGraph} for the query's candidates); the exact top
     * {@code size} by the field's own kNN scores, where the graph search may miss some. Any other query runs as it is.
     */
    private static TopDocs search(Engine.Searcher searcher, List<LeafReaderContext> leaves, Query query, int size)
        throws IOException {
        if (query instanceof KnnFloatVectorQuery knn && knn instanceof DiversifyingChildrenFloatKnnVectorQuery == false
            && KnnScan.cheaperThanGraph(leaves, knn.getField(), knn.getK())) {
            Weight filter = knn.getFilter() == null ? null
                : searcher.createWeight(searcher.rewrite(knn.getFilter()), ScoreMode.COMPLETE_NO_SCORES, 1f);
            return KnnScan.search(leaves, knn.getField(), knn.getTargetCopy(), size, filter, Float.NEGATIVE_INFINITY);
        }
        return searcher.search(query, size);
    }

    /** The answer: every hit's score and {@code _seq_no}, the vectors of the first {@code vectors}; incomplete when one has none. */
    private static FirstRoundShardAction.Result read(List<LeafReaderContext> leaves, String field, ScoreDoc[] hits, int vectors, int dims,
        String indexUuid, boolean complete) throws IOException {
        float[] scores = new float[hits.length];
        long[] seqNos = new long[hits.length];
        float[] data = new float[vectors * dims];
        long[] keys = new long[hits.length]; // (doc, rank): the hits in document order
        for (int j = 0; j < hits.length; j++) {
            scores[j] = hits[j].score;
            keys[j] = ((long) hits[j].doc << 32) | j;
        }
        Arrays.sort(keys);
        int leafIndex = -1;
        NumericDocValues seqNoValues = null;
        FloatVectorValues values = null;
        LeafReaderContext leaf = null;
        for (long key : keys) {
            int doc = (int) (key >>> 32);
            int j = (int) key;
            int at = ReaderUtil.subIndex(doc, leaves);
            if (at != leafIndex) {
                leafIndex = at;
                leaf = leaves.get(at);
                seqNoValues = DocValues.getNumeric(leaf.reader(), SeqNoFieldMapper.NAME);
                values = leaf.reader().getFloatVectorValues(field);
            }
            int local = doc - leaf.docBase;
            if (seqNoValues.advanceExact(local) == false) {
                throw new IllegalStateException("document [" + doc + "] of shard has no [" + SeqNoFieldMapper.NAME + "]");
            }
            seqNos[j] = seqNoValues.longValue();
            if (j < vectors) {
                int found = values == null ? DocIdSetIterator.NO_MORE_DOCS : values.docID() < local ? values.advance(local) : values.docID();
                if (found != local) {
                    complete = false;
                } else {
                    System.arraycopy(values.vectorValue(), 0, data, j * dims, dims);
                }
            }
        }
        if (complete == false) {
            return new FirstRoundShardAction.Result(indexUuid, scores, seqNos, 0, 0, new float[0], false);
        }
        return new FirstRoundShardAction.Result(indexUuid, scores, seqNos, vectors, dims, data, true);
    }
}
