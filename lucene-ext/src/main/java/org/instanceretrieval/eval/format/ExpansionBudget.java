package org.instanceretrieval.eval.format;

import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;

import java.util.Objects;

/**
 * A bound on how many names a ground-truth file may expand to. Pickles may reference one list from
 * many queries (a memoised object costs one opcode per reference), so a small file can describe tens
 * of millions of names; each list is counted here <em>before</em> its names are created. Over
 * {@code maxNames} the parse fails with an IllegalArgumentException naming the limit and the
 * {@code setting} that raises it; every counted name is also charged to a {@link Reservation} at
 * {@value #BYTES_PER_NAME} bytes (a list slot, an index and a set entry), which the caller closes once
 * the ground truth is stored. Not thread-safe: one parse owns it.
 */
public final class ExpansionBudget {

    /** Heap charged per expanded name. */
    public static final long BYTES_PER_NAME = 64;

    private final long maxNames;
    private final String setting;
    private final Reservation memory;
    private long names;

    /**
     * @param maxNames the most names a ground truth may expand to, at least 1
     * @param setting  what raises the limit, named in the error
     * @param memory   charged {@value #BYTES_PER_NAME} bytes per counted name
     */
    public ExpansionBudget(long maxNames, String setting, Reservation memory) {
        if (maxNames < 1) {
            throw new IllegalArgumentException("maxNames must be >= 1, got " + maxNames);
        }
        this.maxNames = maxNames;
        this.setting = Objects.requireNonNull(setting, "setting");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /** No name limit and no memory accounting beyond counting (tools and tests of the formats). */
    public static ExpansionBudget unlimited() {
        return new ExpansionBudget(Long.MAX_VALUE, "none", MemoryBudget.UNLIMITED.reserve(0, "ground truth"));
    }

    /** Counts {@code count} more names, described by {@code what} (for example {@code [gnd][3][ok]}). */
    public void add(long count, String what) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        if (count > maxNames - names) {
            throw new IllegalArgumentException("the ground truth expands to more than [" + maxNames + "] names (at " + what + ", after "
                + names + " names, " + count + " more); shared lists are counted once per reference. The limit is the setting ["
                + setting + "]");
        }
        memory.grow(count * BYTES_PER_NAME, "ground-truth expansion");
        names += count;
    }

    /** The names counted so far. */
    public long names() {
        return names;
    }
}
