package org.instanceretrieval.es.graph;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.breaker.CircuitBreaker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's {@link SegmentIds}, one per segment core, read on first use and dropped when the segment core closes (after a
 * merge or when the index is closed or deleted). Each entry is charged to the node's {@code retrieval} circuit breaker while
 * it is cached (the ids' UTF-8 plus 8 bytes per document of the segment, deleted ones included); a segment whose ids do not
 * fit is a 429 for the search that needed it and is not cached. Thread-safe; one per node (the plugin's).
 */
public final class SegmentIdCache {

    private final SetOnce<CircuitBreaker> breaker = new SetOnce<>();
    private final ConcurrentHashMap<IndexReader.CacheKey, SegmentIds> cache = new ConcurrentHashMap<>();

    /** Sets the breaker entries are charged to (once, when the node's components are created). */
    public void setBreaker(CircuitBreaker breaker) {
        this.breaker.set(breaker);
    }

    /**
     * The ids of {@code reader}'s segment, cached; null when they cannot be cached (no breaker yet, or a reader without a core
     * cache key): read ids another way then.
     *
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException when the segment's ids do not fit the breaker
     */
    public SegmentIds ids(LeafReader reader) throws IOException {
        CircuitBreaker b = breaker.get();
        IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
        if (b == null || helper == null) {
            return null;
        }
        IndexReader.CacheKey key = helper.getKey();
        SegmentIds cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            return cache.computeIfAbsent(key, k -> {
                try {
                    SegmentIds ids = SegmentIds.read(reader, b, "<_id of a segment of " + reader.maxDoc() + " documents>");
                    helper.addClosedListener(closed -> {
                        SegmentIds removed = cache.remove(closed);
                        if (removed != null) {
                            b.addWithoutBreaking(-removed.ramBytesUsed());
                        }
                    });
                    return ids;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Number of cached segments. */
    public int size() {
        return cache.size();
    }
}
