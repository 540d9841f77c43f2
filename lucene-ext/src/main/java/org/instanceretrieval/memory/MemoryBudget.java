package org.instanceretrieval.memory;

/**
 * Memory that code must reserve <em>before</em> it allocates anything whose size a request controls
 * (decoded pixels, tensors, model outputs, expanded ground truth, gathered vectors, graphs).
 * <p>
 * Contract: {@link #reserve} either accounts the bytes and returns a {@link Reservation}, or throws the
 * budget's unchecked exception and accounts nothing. The caller allocates only after a successful
 * reservation and closes the reservation once the memory is unreachable. In Elasticsearch the budget is
 * the plugin's {@code retrieval} circuit breaker, whose exception answers 429
 * {@code circuit_breaking_exception}; outside Elasticsearch (tools, tests of pure code) it is
 * {@link #UNLIMITED}.
 */
@FunctionalInterface
public interface MemoryBudget {

    /**
     * Reserves {@code bytes} (at least 0) for the allocation described by {@code label}, which appears
     * in the error when the budget is exceeded (say what is allocated, for example
     * {@code "decoded pixels of a 8192x8191 PNG"}).
     */
    Reservation reserve(long bytes, String label);

    /**
     * The most this budget can ever hold (its limit, not what is free now), for refusing up front
     * something that could never fit; {@link Long#MAX_VALUE} when unknown or unlimited.
     */
    default long limit() {
        return Long.MAX_VALUE;
    }

    /** How users raise {@link #limit()}, for error messages (in Elasticsearch the setting's name). */
    default String limitName() {
        return "the memory budget";
    }

    /** A budget without a limit: reservations account nothing. */
    MemoryBudget UNLIMITED = (bytes, label) -> Reservation.untracked(bytes);
}
