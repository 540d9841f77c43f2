package org.instanceretrieval.es.memory;

import org.elasticsearch.common.breaker.CircuitBreaker;
import org.instanceretrieval.memory.CountingReservation;

import java.util.Objects;

/**
 * Bytes held on an Elasticsearch {@link CircuitBreaker} as a {@link org.instanceretrieval.memory.Reservation}: each growth is
 * {@code addEstimateBytesAndMaybeBreak} (a {@code CircuitBreakingException}, HTTP 429, when it does not fit, with the label
 * and {@code labelSuffix} in the message), {@link #close} gives every byte back. Used for the plugin's {@code retrieval}
 * breaker ({@link RetrievalBreaker}) and for Elasticsearch's {@code request} breaker of a search.
 */
public final class BreakerReservation extends CountingReservation {

    private final CircuitBreaker breaker;
    private final String labelSuffix;

    /**
     * @param breaker     the breaker charged
     * @param labelSuffix appended to every label, e.g. the setting that raises the limit; empty for none
     */
    public BreakerReservation(CircuitBreaker breaker, String labelSuffix) {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.labelSuffix = Objects.requireNonNull(labelSuffix, "labelSuffix");
    }

    @Override
    protected void charge(long bytes, String label) {
        breaker.addEstimateBytesAndMaybeBreak(bytes, label + labelSuffix);
    }

    @Override
    protected void release(long bytes) {
        breaker.addWithoutBreaking(-bytes);
    }
}
