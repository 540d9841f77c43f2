package org.instanceretrieval.memory;

/**
 * Bytes reserved on a {@link MemoryBudget}. A reservation may {@link #grow} while a structure is built
 * element by element (each growth is checked against the budget before the elements are created), and
 * gives everything back on {@link #close}, which is idempotent. Not thread-safe: one owner grows it.
 */
public interface Reservation extends AutoCloseable {

    /** The bytes held now. */
    long bytes();

    /**
     * Reserves {@code more} bytes in addition to those held; throws the budget's exception (and holds
     * what it held before) when they do not fit.
     */
    void grow(long more, String label);

    /** Releases every byte held. Calling it again does nothing. */
    @Override
    void close();

    /** A reservation that counts bytes but checks and accounts nothing (for {@link MemoryBudget#UNLIMITED}). */
    static Reservation untracked(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        return new Reservation() {
            private long held = bytes;

            @Override
            public long bytes() {
                return held;
            }

            @Override
            public void grow(long more, String label) {
                if (more < 0) {
                    throw new IllegalArgumentException("more must be >= 0, got " + more);
                }
                held += more;
            }

            @Override
            public void close() {
                held = 0;
            }
        };
    }
}
