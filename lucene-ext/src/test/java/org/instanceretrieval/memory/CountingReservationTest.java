package org.instanceretrieval.memory;

import org.junit.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.Assert.assertEquals;

/** A reservation grown from several threads at once gives back exactly what was charged when it is closed. */
public class CountingReservationTest {

    @Test
    public void concurrentGrowthIsAllReleasedOnClose() throws Exception {
        AtomicLong budget = new AtomicLong();
        CountingReservation reservation = new CountingReservation() {
            @Override
            protected void charge(long bytes, String label) {
                budget.addAndGet(bytes);
            }

            @Override
            protected void release(long bytes) {
                budget.addAndGet(-bytes);
            }
        };
        int threads = 8;
        int growths = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < growths; i++) {
                    reservation.grow(3, "test");
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        // 8 x 20,000 growths of 3 bytes, counted by hand: 480,000
        assertEquals(480_000L, budget.get());
        assertEquals(480_000L, reservation.bytes());
        reservation.close();
        assertEquals(0L, budget.get());
        assertEquals(0L, reservation.bytes());
    }
}
