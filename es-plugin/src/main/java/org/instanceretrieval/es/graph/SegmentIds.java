package org.instanceretrieval.es.graph;

import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.Uid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code _id} of every document of one segment, by segment doc id: what a reader of the neighbour graph needs to match
 * stored neighbour ids against documents without reading each document's stored fields (whose compressed blocks, holding the
 * {@code _source}, cost far more to decode than the id). Read once from the segment's {@code _id} terms and postings (deleted
 * documents included: a segment's doc id to {@code _id} mapping never changes). Holds the ids' UTF-8 in one array plus 8 bytes
 * per document ({@link #ramBytesUsed}). Immutable once read; thread-safe.
 */
public final class SegmentIds {

    private final byte[] pool;
    private final int[] start;
    private final int[] length;

    private SegmentIds(byte[] pool, int[] start, int[] length) {
        this.pool = pool;
        this.start = start;
        this.length = length;
    }

    /**
     * Reads the ids of {@code reader}'s documents, charging {@code breaker} before each allocation (8 bytes per document first,
     * then the ids' bytes as the pool grows); the caller owns the charge of the result ({@link #ramBytesUsed}) and must release
     * it. On failure everything charged here is released.
     *
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException when the breaker's limit would be exceeded
     */
    public static SegmentIds read(LeafReader reader, CircuitBreaker breaker, String label) throws IOException {
        int maxDoc = reader.maxDoc();
        long charged = 8L * maxDoc + 64;
        breaker.addEstimateBytesAndMaybeBreak(charged, label);
        boolean done = false;
        try {
            int[] start = new int[maxDoc];
            int[] length = new int[maxDoc];
            byte[] pool = new byte[0];
            int used = 0;
            Terms terms = reader.terms(IdFieldMapper.NAME);
            if (terms != null) {
                int capacity = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(64, 8L * Math.max(terms.size(), 0)));
                breaker.addEstimateBytesAndMaybeBreak(capacity, label);
                charged += capacity;
                pool = new byte[capacity];
                TermsEnum te = terms.iterator();
                PostingsEnum postings = null;
                for (BytesRef term = te.next(); term != null; term = te.next()) {
                    byte[] id = Uid.decodeId(term.bytes, term.offset, term.length).getBytes(StandardCharsets.UTF_8);
                    if (used + id.length > pool.length) {
                        int grown = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(2L * pool.length, (long) used + id.length));
                        breaker.addEstimateBytesAndMaybeBreak(grown, label);
                        charged += grown;
                        int old = pool.length;
                        pool = Arrays.copyOf(pool, grown);
                        breaker.addWithoutBreaking(-old);
                        charged -= old;
                    }
                    System.arraycopy(id, 0, pool, used, id.length);
                    postings = te.postings(postings, PostingsEnum.NONE);
                    for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                        start[doc] = used;
                        length[doc] = id.length;
                    }
                    used += id.length;
                }
            }
            breaker.addEstimateBytesAndMaybeBreak(used, label);
            charged += used;
            byte[] trimmed = Arrays.copyOf(pool, used);
            SegmentIds ids = new SegmentIds(trimmed, start, length);
            breaker.addWithoutBreaking(ids.ramBytesUsed() - charged);
            done = true;
            return ids;
        } finally {
            if (done == false) {
                breaker.addWithoutBreaking(-charged);
            }
        }
    }

    /** The id of segment document {@code doc}, or null when it has none. */
    public String id(int doc) {
        int len = length[doc];
        return len == 0 ? null : new String(pool, start[doc], len, StandardCharsets.UTF_8);
    }

    /** Heap held: the ids' UTF-8 and 8 bytes per document, plus headers. */
    public long ramBytesUsed() {
        return 64L + pool.length + 8L * start.length;
    }
}
