package org.instanceretrieval.memory;

/**
 * The one implementation of {@link Reservation}'s contract: it counts the bytes it holds, checks every growth, and
 * releases all of them once. A budget says only how bytes are charged (throwing, and keeping nothing, when they do not
 * fit) and released. Thread-safe: shard answers arriving on several threads may grow one reservation (an unsynchronised
 * count lost growths and left their bytes charged after close).
 */
public abstract class CountingReservation implements Reservation {

    private long held;

    /** Charges {@code bytes} (more than 0) on the budget, or throws its exception having charged nothing. */
    protected abstract void charge(long bytes, String label);

    /** Gives {@code bytes} back to the budget. */
    protected abstract void release(long bytes);

    @Override
    public final synchronized long bytes() {
        return held;
    }

    @Override
    public final synchronized void grow(long more, String label) {
        if (more < 0) {
            throw new IllegalArgumentException("more must be >= 0, got " + more);
        }
        if (more == 0) {
            return;
        }
        charge(more, label);
        held += more;
    }

    @Override
    public final synchronized void close() {
        if (held != 0) {
            release(held);
            held = 0;
        }
    }
}
