package org.instanceretrieval.es.diffusion;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.Uid;
import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.graph.GraphDocValues;
import org.instanceretrieval.es.graph.GraphFields;
import org.instanceretrieval.es.graph.SegmentIdCache;
import org.instanceretrieval.es.graph.SegmentIds;
import org.instanceretrieval.es.memory.BreakerReservation;
import org.instanceretrieval.graph.StoredGraphDiffusion;
import org.instanceretrieval.graph.WindowNeighbours;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.search.WindowVectors;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code diffusion} rescorer on the index's stored neighbour graph (retrieval definitions, "Truncation on a precomputed
 * graph"), for one shard's window: reads each window document's {@code _id} (from the node's {@link SegmentIdCache}, else
 * its stored field) and its list from the binary doc
 * values {@link GraphFields#neighbours retrieval_graph.<field>} ({@link GraphDocValues}), keeps the first k entries that name window documents
 * ({@link WindowNeighbours}, ids matched as bytes, no per-entry strings), and diffuses with lucene-ext
 * {@link StoredGraphDiffusion}: mutual edges, a = max(s, 0)^gamma, re-normalised on the window, y on the query_k window items
 * most similar to the query, conjugate gradient. A document without a list has no edges. No vector-vector products over the
 * window: the only products are the R query-item dot products y needs (s = the query vector times the indexed vector, as the
 * window graph computes it; first-pass scores are not used because a first pass need not score by that similarity).
 *
 * <p>Memory: {@link #estimatedBytes} is charged on the request breaker before anything is read, and the window's ids once
 * they are read ({@link #idBytes}); both are released when the diffusion returns or fails. Stateless.
 */
public final class StoredGraphWindow {

    private StoredGraphWindow() {}

    /**
     * Upper estimate of the heap a stored-graph diffusion over {@code r} window items with {@code k} neighbours and
     * {@code dims}-dimensional query holds, ids excepted: per item 128 bytes (sort key, similarity, row headers, CSR row
     * starts, the solver's vectors), per possible edge (r min(k, r - 1)) 40 bytes (resolved position and similarity, A and S
     * in CSR), one list's scratch (12 k) and the query (8 dims).
     */
    static long estimatedBytes(int r, int k, int dims) {
        long nodes = r;
        long edges = nodes * Math.min(k, Math.max(r - 1, 1));
        return 128L * nodes + 40L * edges + 12L * k + 8L * dims + 1024;
    }

    /** Heap of one window id once read: the string (2 bytes a char), its UTF-8 copy in the id table, and 96 bytes of headers. */
    static long idBytes(String id) {
        return 96L + 3L * id.length();
    }

    /**
     * f over the window (one per hit, window order).
     *
     * @param checkCancelled throws when the search was cancelled
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException when the window's memory does not fit the breaker
     * @throws IllegalArgumentException if the field holds byte vectors or vectors of another dimension than the query's
     * @throws IllegalStateException if a stored list is malformed (naming the document)
     */
    static CgSolution diffuse(ScoreDoc[] window, IndexSearcher searcher, String field, float[] query, DiffusionParameters p,
                              CircuitBreaker breaker, SegmentIdCache segmentIds, Runnable checkCancelled) throws IOException {
        int r = window.length;
        try (Reservation memory = new BreakerReservation(breaker, "")) {
            memory.grow(estimatedBytes(r, p.k(), query.length), "<" + DiffusionRescorerBuilder.NAME + " stored-graph window of " + r
                + ", k " + p.k() + ">");
            StoredLists lists = read(window, searcher, field, query, p.k(), DiffusionRescorerBuilder.NAME, segmentIds, memory,
                checkCancelled);
            StoredGraphDiffusion diffusion = new StoredGraphDiffusion(new GraphParameters(p.k(), p.gamma()),
                new QueryWeighting(p.queryK(), p.gamma()), new ConjugateGradient(p.alpha(), p.tolerance(), p.maxIterations()));
            return diffusion.diffuse(lists.neighbours(), lists.similarities());
        }
    }

    /**
     * A window's stored lists as another rescorer ({@code k_reciprocal}) reads them: the window documents' ids, s(q, i) =
     * {@code query} times each indexed vector (0 for a document without one), and the first {@code k} entries of each list
     * resolved to window positions ({@link WindowNeighbours}), read as {@link #diffuse} reads them.
     */
    public record StoredLists(String[] ids, float[] similarities, WindowNeighbours neighbours) {}

    /**
     * Reads the window's stored lists; the ids' heap ({@link #idBytes}) is added to {@code ids} once they are read, before the
     * lists are decoded.
     *
     * @param owner the rescorer's name in errors
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException when the ids do not fit
     * @throws IllegalArgumentException if the field holds byte vectors or vectors of another dimension than the query's
     * @throws IllegalStateException if a stored list is malformed (naming the document)
     */
    public static StoredLists read(ScoreDoc[] window, IndexSearcher searcher, String field, float[] query, int k, String owner,
                                   SegmentIdCache segmentIds, Reservation idCharge, Runnable checkCancelled) throws IOException {
        int r = window.length;
        long[] byDoc = new long[r];
        for (int i = 0; i < r; i++) {
            byDoc[i] = ((long) window[i].doc << 32) | i;
        }
        Arrays.sort(byDoc);
        String[] ids = new String[r];
        float[] similarities = new float[r];
        readIdsAndSimilarities(byDoc, searcher.getIndexReader().leaves(), field, query, segmentIds, ids, similarities, owner);
        long bytes = 0;
        for (String id : ids) {
            bytes += idBytes(id);
        }
        idCharge.grow(bytes, "<" + owner + " stored-graph window ids>");
        checkCancelled.run();
        WindowNeighbours.Builder lists = WindowNeighbours.builder(ids, k);
        readLists(byDoc, searcher.getIndexReader().leaves(), field, ids, lists);
        checkCancelled.run();
        return new StoredLists(ids, similarities, lists.build());
    }

    /** What {@link #inDocOrder} calls: {@link #leaf} on entering a segment, then {@link #doc} for each window document in it. */
    private interface SegmentVisitor {
        void leaf(LeafReaderContext leaf) throws IOException;

        /** Window slot {@code slot} is document {@code leafDoc} of the current segment, {@code doc} of the reader. */
        void doc(int slot, int leafDoc, int doc) throws IOException;
    }

    /**
     * Visits the window in doc id order, segment by segment: doc values and vectors iterate forwards only.
     *
     * @param byDoc {@code doc << 32 | slot} of each window document, sorted
     */
    private static void inDocOrder(long[] byDoc, List<LeafReaderContext> leaves, SegmentVisitor visitor) throws IOException {
        int currentLeaf = -1;
        int docBase = 0;
        for (long packed : byDoc) {
            int doc = (int) (packed >>> 32);
            int leafIndex = ReaderUtil.subIndex(doc, leaves);
            if (leafIndex != currentLeaf) {
                currentLeaf = leafIndex;
                docBase = leaves.get(leafIndex).docBase;
                visitor.leaf(leaves.get(leafIndex));
            }
            visitor.doc((int) packed, doc - docBase, doc);
        }
    }

    private static void readIdsAndSimilarities(long[] byDoc, List<LeafReaderContext> leaves, String field, float[] query,
                                               SegmentIdCache cache, String[] ids, float[] similarities, String owner)
        throws IOException {
        IdVisitor idVisitor = new IdVisitor();
        inDocOrder(byDoc, leaves, new SegmentVisitor() {
            StoredFields stored;
            SegmentIds segment;
            FloatVectorValues vectors;

            @Override
            public void leaf(LeafReaderContext leaf) throws IOException {
                segment = cache == null ? null : cache.ids(leaf.reader());
                stored = segment == null ? leaf.reader().storedFields() : null;
                vectors = vectorValues(leaf, field, query.length, owner);
            }

            @Override
            public void doc(int i, int leafDoc, int doc) throws IOException {
                if (segment != null) {
                    ids[i] = segment.id(leafDoc);
                } else {
                    idVisitor.id = null;
                    stored.document(leafDoc, idVisitor);
                    ids[i] = idVisitor.id;
                }
                if (ids[i] == null) {
                    throw new IllegalStateException("document [" + doc + "] of the rescore window has no [_id]");
                }
                if (vectors != null && (vectors.docID() < leafDoc ? vectors.advance(leafDoc) : vectors.docID()) == leafDoc) {
                    similarities[i] = VectorUtil.dotProduct(query, vectors.vectorValue());
                }
            }
        });
    }

    private static void readLists(long[] byDoc, List<LeafReaderContext> leaves, String field, String[] ids, WindowNeighbours.Builder lists)
        throws IOException {
        String listField = GraphFields.neighbours(field);
        BytesRef list = new BytesRef();
        inDocOrder(byDoc, leaves, new SegmentVisitor() {
            BinaryDocValues values;

            @Override
            public void leaf(LeafReaderContext leaf) throws IOException {
                values = leaf.reader().getBinaryDocValues(listField);
            }

            @Override
            public void doc(int i, int leafDoc, int doc) throws IOException {
                if (values != null && values.advanceExact(leafDoc)) {
                    try {
                        if (GraphDocValues.singleValue(values.binaryValue(), list)) {
                            lists.add(i, list.bytes, list.offset, list.length);
                        }
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        throw new IllegalStateException("the stored neighbour list [" + listField + "] of document [" + ids[i] + "] is unusable: "
                            + e.getMessage(), e);
                    }
                }
            }
        });
    }

    private static FloatVectorValues vectorValues(LeafReaderContext leaf, String field, int dims, String owner) throws IOException {
        FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
        if (info == null || info.getVectorDimension() == 0) {
            return null;
        }
        WindowVectors.checkFloatVectors(info, field, dims, owner);
        FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
        return values == null || values.docID() == DocIdSetIterator.NO_MORE_DOCS ? null : values;
    }

    /** Reads only {@code _id} and stops. */
    private static final class IdVisitor extends StoredFieldVisitor {
        String id;

        @Override
        public Status needsField(FieldInfo fieldInfo) {
            if (id != null) {
                return Status.STOP;
            }
            return IdFieldMapper.NAME.equals(fieldInfo.name) ? Status.YES : Status.NO;
        }

        @Override
        public void binaryField(FieldInfo fieldInfo, byte[] value) {
            id = Uid.decodeId(value);
        }
    }
}
