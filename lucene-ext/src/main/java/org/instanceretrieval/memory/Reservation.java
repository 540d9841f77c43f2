package org.instanceretrieval.memory;

/**
 * Bytes reserved on a {@link MemoryBudget}. A reservation may {@link #grow} while a structure is built
 * element by element (each growth is checked against the budget before the elements are created), and
 * gives everything back on {@link #close}, which is idempotent. Thread-safe.
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
        Reservation reservation = new CountingReservation() {
            @Override
            protected void charge(long more, String label) {}

            @Override
            protected void release(long all) {}
        };
        reservation.grow(bytes, "untracked");
        return reservation;
    }
}
