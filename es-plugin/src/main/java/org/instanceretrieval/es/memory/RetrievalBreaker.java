package org.instanceretrieval.es.memory;

import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.unit.MemorySizeValue;
import org.elasticsearch.indices.breaker.BreakerSettings;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;

import java.util.Objects;

/**
 * The plugin's {@code retrieval} circuit breaker as a {@link MemoryBudget}: every allocation whose size a
 * request controls is charged here before it is made. Over the limit, {@link #reserve} throws
 * Elasticsearch's {@code CircuitBreakingException} (HTTP 429 {@code circuit_breaking_exception}), whose
 * message names the allocation and this breaker; the label also names the setting that raises the limit.
 * <p>
 * The limit is the node setting {@value #LIMIT_SETTING} (default {@value #DEFAULT_LIMIT} of the heap,
 * dynamic, read by Elasticsearch's own {@code breaker.*.limit} setting), the overhead
 * {@code breaker.retrieval.overhead} (default 1.0). The parent breaker sees this breaker's use too.
 */
public final class RetrievalBreaker implements MemoryBudget {

    /** The breaker's name, as {@code GET _nodes/stats/breaker} lists it. */
    public static final String NAME = "retrieval";
    /** The node setting of the limit. */
    public static final String LIMIT_SETTING = "breaker." + NAME + ".limit";
    /** The default limit, a share of the heap. */
    public static final String DEFAULT_LIMIT = "40%";

    private final CircuitBreaker breaker;

    public RetrievalBreaker(CircuitBreaker breaker) {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /** The breaker's registration: name, default limit (or the node's setting), overhead 1. */
    public static BreakerSettings settings(Settings nodeSettings) {
        long limit = MemorySizeValue.parseBytesSizeValueOrHeapRatio(DEFAULT_LIMIT, LIMIT_SETTING).getBytes();
        return BreakerSettings.updateFromSettings(
            new BreakerSettings(NAME, limit, 1.0, CircuitBreaker.Type.MEMORY, CircuitBreaker.Durability.TRANSIENT),
            nodeSettings
        );
    }

    /** The underlying Elasticsearch breaker (its use, limit and trip count). */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The breaker's limit now (it is dynamic); unlimited when the node's breaker service accounts nothing. */
    @Override
    public long limit() {
        long limit = breaker.getLimit();
        return limit <= 0 ? Long.MAX_VALUE : limit;
    }

    @Override
    public String limitName() {
        return "the [" + NAME + "] circuit breaker limit (setting [" + LIMIT_SETTING + "])";
    }

    @Override
    public Reservation reserve(long bytes, String label) {
        Reservation held = new BreakerReservation(breaker, " (limit: " + LIMIT_SETTING + ")");
        held.grow(bytes, label);
        return held;
    }
}
