package org.instanceretrieval.es.graph;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;
import org.instanceretrieval.es.vectors.ShardReadRequest;
import org.instanceretrieval.es.vectors.ShardReadServices;
import org.instanceretrieval.es.vectors.TransportShardReadAction;
import org.instanceretrieval.es.vectors.IdTerms;
import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.memory.Reservation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Serves {@link ShardKnnNeighboursAction} on a node holding a copy of the shard, from one searcher. The HNSW searches (one
 * {@code KnnFloatVectorQuery} per query, top {@code num_candidates} over the live documents) run on the search thread and the
 * helpers of the {@link GraphPool}; the candidates are then re-scored in one ascending pass over each segment's vectors, their
 * {@code _id}s decoded in one pass over the {@code _id} terms, and each query keeps its top k other documents.
 * Memory charged to the {@code retrieval} breaker for Q queries, C candidates, k neighbours and H distinct candidate documents:
 * {@code Q C 16 + Q k 24 + H (56 + 2 x id length)} bytes.
 */
public final class TransportShardKnnNeighboursAction
    extends TransportShardReadAction<ShardKnnNeighboursAction.Params, ShardKnnNeighboursAction.Result> {

    private static final int QUERIES_PER_TASK = 8;

    private final Executor helpers;
    private final int parallelism;

    @Inject
    public TransportShardKnnNeighboursAction(ShardReadServices services) {
        super(ShardKnnNeighboursAction.INSTANCE, services);
        this.helpers = threadPool.executor(GraphPool.NAME);
        this.parallelism = Math.max(1, threadPool.info(GraphPool.NAME).getMax());
    }

    @Override
    protected ShardKnnNeighboursAction.Result shardRead(ShardReadRequest<ShardKnnNeighboursAction.Params> request, ShardId shardId,
        IndexService indexService)
        throws IOException {
        String field = request.field();
        denseVectorField(indexService, field);
        int n = request.params().queryIds().length;
        int dims = request.params().dims();
        try (Reservation memory = breaker.reserve((long) n * request.params().numCandidates() * 16L + (long) n * request.params().k() * 24L,
            "candidates of " + n + " approximate kNN searches of [" + field + "] on shard " + shardId);
             Engine.Searcher searcher = indexService.getShard(shardId.id()).acquireSearcher("retrieval_graph_knn")) {
            int[][] hits = new int[n][];
            ParallelBlocks.run((n + QUERIES_PER_TASK - 1) / QUERIES_PER_TASK, helpers, parallelism, () -> t -> {
                for (int q = t * QUERIES_PER_TASK; q < Math.min(n, (t + 1) * QUERIES_PER_TASK); q++) {
                    float[] vector = Arrays.copyOfRange(request.params().queries(), q * dims, (q + 1) * dims);
                    try {
                        TopDocs top = searcher.search(new KnnFloatVectorQuery(field, vector, request.params().numCandidates()),
                            request.params().numCandidates());
                        int[] docs = new int[top.scoreDocs.length];
                        for (int i = 0; i < docs.length; i++) {
                            docs[i] = top.scoreDocs[i].doc;
                        }
                        hits[q] = docs;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            return rank(request, searcher, hits, memory, IdTerms.nestedPathField(indexService.getShard(shardId.id())));
        }
    }

    /** Exact similarities and ids of the candidates, then each query's top k other documents. */
    private static ShardKnnNeighboursAction.Result rank(ShardReadRequest<ShardKnnNeighboursAction.Params> request, Engine.Searcher searcher,
        int[][] hits, Reservation memory, String nestedPathField) throws IOException {
        int n = hits.length;
        int dims = request.params().dims();
        int[] first = new int[n + 1];
        for (int q = 0; q < n; q++) {
            first[q + 1] = first[q] + hits[q].length;
        }
        long[] keys = new long[first[n]]; // doc << 32 | pair
        for (int q = 0; q < n; q++) {
            for (int i = 0; i < hits[q].length; i++) {
                keys[first[q] + i] = ((long) hits[q][i] << 32) | (first[q] + i);
            }
        }
        Arrays.sort(keys);
        float[] sims = new float[keys.length];
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        FixedBitSet candidates = new FixedBitSet(Math.max(1, searcher.getIndexReader().maxDoc()));
        int leafOrd = -1;
        FloatVectorValues values = null;
        float[] query = new float[dims];
        for (long key : keys) {
            int doc = (int) (key >>> 32);
            int pair = (int) key;
            candidates.set(doc);
            int leaf = ReaderUtil.subIndex(doc, leaves);
            if (leaf != leafOrd) {
                leafOrd = leaf;
                values = leaves.get(leaf).reader().getFloatVectorValues(request.field());
            }
            int local = doc - leaves.get(leaf).docBase;
            if (values.docID() < local) {
                values.advance(local);
            }
            int q = Arrays.binarySearch(first, pair);
            q = q >= 0 ? nextNonEmpty(first, q) : -q - 2;
            System.arraycopy(request.params().queries(), q * dims, query, 0, dims);
            sims[pair] = VectorMath.dot(values.vectorValue(), query);
        }
        String[] ids = ids(leaves, candidates, memory, nestedPathField);
        return top(request, hits, first, sims, ids);
    }

    /** The query owning pair index {@code first[q]} when several queries start there (queries without hits before it). */
    private static int nextNonEmpty(int[] first, int q) {
        while (q + 1 < first.length - 1 && first[q + 1] == first[q]) {
            q++;
        }
        return q;
    }

    /** The {@code _id} of every candidate document, by global doc id (null elsewhere). */
    private static String[] ids(List<LeafReaderContext> leaves, FixedBitSet candidates, Reservation memory, String nestedPathField)
        throws IOException {
        String[] ids = new String[candidates.length()];
        memory.grow(8L * ids.length, "candidate ids of approximate kNN searches");
        for (LeafReaderContext leaf : leaves) {
            int base = leaf.docBase;
            int count = Math.max(0, Math.min(leaf.reader().maxDoc(), ids.length - base));
            Bits candidate = new Bits() {
                @Override
                public boolean get(int doc) {
                    return doc < count && candidates.get(base + doc);
                }

                @Override
                public int length() {
                    return leaf.reader().maxDoc();
                }
            };
            String[] leafIds = IdTerms.ids(leaf.reader(), candidate, nestedPathField,
                length -> memory.grow(56L + 2L * length, "candidate ids of approximate kNN searches"));
            System.arraycopy(leafIds, 0, ids, base, count);
        }
        return ids;
    }

    private static ShardKnnNeighboursAction.Result top(ShardReadRequest<ShardKnnNeighboursAction.Params> request, int[][] hits, int[] first,
        float[] sims, String[] ids) {
        int n = hits.length;
        int k = request.params().k();
        int[] offsets = new int[n + 1];
        String[] outIds = new String[n * k];
        float[] outSims = new float[n * k];
        int at = 0;
        for (int q = 0; q < n; q++) {
            String self = request.params().queryIds()[q];
            Integer[] order = new Integer[hits[q].length];
            int m = 0;
            for (int i = 0; i < hits[q].length; i++) {
                String id = ids[hits[q][i]];
                if (id != null && id.equals(self) == false) {
                    order[m++] = first[q] + i;
                }
            }
            int[] docs = hits[q];
            int base = first[q];
            Arrays.sort(order, 0, m, (a, b) -> {
                int c = Float.compare(sims[b] + 0f, sims[a] + 0f);
                return c != 0 ? c : ids[docs[a - base]].compareTo(ids[docs[b - base]]);
            });
            for (int t = 0; t < Math.min(k, m); t++) {
                outIds[at] = ids[hits[q][order[t] - first[q]]];
                outSims[at++] = sims[order[t]] + 0f;
            }
            offsets[q + 1] = at;
        }
        return new ShardKnnNeighboursAction.Result(offsets, Arrays.copyOf(outIds, at), Arrays.copyOf(outSims, at));
    }
}
