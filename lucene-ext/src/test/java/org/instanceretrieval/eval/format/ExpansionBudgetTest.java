package org.instanceretrieval.eval.format;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.memory.CountingReservation;
import org.instanceretrieval.memory.Reservation;
import org.junit.Test;

/** Pickle lists are counted before they are expanded: a shared list costs once per reference. */
public class ExpansionBudgetTest {

    @Test
    public void aSmallSharedListPickleExpandsAndIsCountedOncePerReference() {
        byte[] pickle = SharedListPickle.write(3, 4);
        Reservation memory = Reservation.untracked(0);
        ExpansionBudget budget = new ExpansionBudget(100, "test.max_names", memory);
        NamedGroundTruth gt = CirtorchPickle.parse(pickle, null, budget);
        assertEquals(4, gt.queries().size());
        for (NamedGroundTruth.NamedQuery q : gt.queries()) {
            assertEquals(java.util.List.of("i0", "i1", "i2"), q.positives());
        }
        // 4 queries x (3 ok + 0 junk), by hand
        assertEquals(12, budget.names());
        assertEquals(12 * ExpansionBudget.BYTES_PER_NAME, memory.bytes());
    }

    @Test
    public void aHostileSharedListPickleIsRefusedBeforeItsNamesExist() {
        // 1,000 database names referenced by 40,000 queries: 40 M names from a file of about a megabyte
        byte[] pickle = SharedListPickle.write(1000, 40_000);
        assertTrue(pickle.length < 1_500_000);
        Reservation memory = Reservation.untracked(0);
        ExpansionBudget budget = new ExpansionBudget(2_000_000, "retrieval.ground_truth.max_names", memory);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CirtorchPickle.parse(pickle, null, budget));
        assertTrue(e.getMessage(), e.getMessage().contains("more than [2000000] names"));
        assertTrue(e.getMessage(), e.getMessage().contains("[retrieval.ground_truth.max_names]"));
        // refused at the list that would cross the limit: 2,000 lists of 1,000 were counted (by hand), not 40,000
        assertEquals(2_000_000, budget.names());
    }

    @Test
    public void theMemoryBudgetIsChargedBeforeTheCount() {
        Reservation tight = new CountingReservation() {
            private long charged;

            @Override
            protected void charge(long more, String label) {
                if (charged + more > 640) {
                    throw new IllegalStateException("over " + label);
                }
                charged += more;
            }

            @Override
            protected void release(long all) {
                charged -= all;
            }
        };
        ExpansionBudget budget = new ExpansionBudget(1_000, "x", tight);
        budget.add(10, "a"); // 640 bytes
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> budget.add(1, "b"));
        assertEquals("over ground-truth expansion", e.getMessage());
        assertEquals(10, budget.names());
    }
}
