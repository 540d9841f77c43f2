package org.instanceretrieval.model;

import org.instanceretrieval.memory.CountingReservation;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MemoryBudget} with a fixed limit for tests of pure code: reservations beyond the limit
 * throw {@link Refused} (naming the label) and account nothing; {@link #used()} tells what is held.
 */
public final class LimitedBudget implements MemoryBudget {

    /** The refusal of this budget. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public LimitedBudget(long limit) {
        this.limit = limit;
    }

    public long used() {
        return used.get();
    }

    @Override
    public long limit() {
        return limit;
    }

    @Override
    public String limitName() {
        return "the test budget";
    }

    @Override
    public Reservation reserve(long bytes, String label) {
        Held held = new Held();
        held.grow(bytes, label);
        return held;
    }

    private final class Held extends CountingReservation {
        @Override
        protected void charge(long more, String label) {
            long now = used.addAndGet(more);
            if (now > limit) {
                used.addAndGet(-more);
                throw new Refused("over the test budget: [" + label + "] needs " + more + " bytes, " + (now - more) + " of " + limit
                    + " used");
            }
        }

        @Override
        protected void release(long all) {
            used.addAndGet(-all);
        }
    }
}
