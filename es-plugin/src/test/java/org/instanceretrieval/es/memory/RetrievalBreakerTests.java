package org.instanceretrieval.es.memory;

import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.breaker.CircuitBreakingException;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.indices.breaker.CircuitBreakerMetrics;
import org.elasticsearch.indices.breaker.HierarchyCircuitBreakerService;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.memory.Reservation;

import java.util.List;

/** The retrieval breaker inside Elasticsearch's real breaker service: limit from the node setting, 429 when over, exact release. */
public class RetrievalBreakerTests extends ESTestCase {

    private static RetrievalBreaker breaker(Settings settings) {
        HierarchyCircuitBreakerService service = new HierarchyCircuitBreakerService(
            CircuitBreakerMetrics.NOOP,
            settings,
            List.of(RetrievalBreaker.settings(settings)),
            new ClusterSettings(settings, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS)
        );
        return new RetrievalBreaker(service.getBreaker(RetrievalBreaker.NAME));
    }

    public void testLimitComesFromTheNodeSetting() {
        RetrievalBreaker breaker = breaker(Settings.builder().put(RetrievalBreaker.LIMIT_SETTING, "1000b").build());
        assertEquals(1000L, breaker.breaker().getLimit());
        assertEquals(RetrievalBreaker.NAME, breaker.breaker().getName());
    }

    public void testDefaultLimitIsFortyPercentOfTheHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        assertEquals((long) (heap * 0.4), breaker(Settings.EMPTY).breaker().getLimit(), 1.0);
    }

    public void testReservationsAreChargedGrownAndReleased() {
        RetrievalBreaker breaker = breaker(Settings.builder().put(RetrievalBreaker.LIMIT_SETTING, "1000b").build());
        CircuitBreaker cb = breaker.breaker();
        try (Reservation a = breaker.reserve(400, "a")) {
            assertEquals(400L, cb.getUsed());
            a.grow(100, "a more");
            assertEquals(500L, a.bytes());
            assertEquals(500L, cb.getUsed());
            a.close();
            a.close();
            assertEquals(0L, cb.getUsed());
        }
    }

    public void testOverTheLimitIs429NamingTheAllocationAndTheSettingAndChargesNothing() {
        RetrievalBreaker breaker = breaker(Settings.builder().put(RetrievalBreaker.LIMIT_SETTING, "1000b").build());
        CircuitBreaker cb = breaker.breaker();
        try (Reservation held = breaker.reserve(600, "held")) {
            CircuitBreakingException e = expectThrows(CircuitBreakingException.class,
                () -> breaker.reserve(401, "decoded pixels of a test image"));
            assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
            assertTrue(e.getMessage(), e.getMessage().contains("[retrieval]"));
            assertTrue(e.getMessage(), e.getMessage().contains("decoded pixels of a test image"));
            assertTrue(e.getMessage(), e.getMessage().contains("breaker.retrieval.limit"));
            assertEquals(600L, cb.getUsed());
            expectThrows(CircuitBreakingException.class, () -> held.grow(401, "more"));
            assertEquals(600L, held.bytes());
            assertEquals(600L, cb.getUsed());
            assertEquals(2L, cb.getTrippedCount());
        }
        assertEquals(0L, cb.getUsed());
    }

    public void testNegativeSizesAreRefused() {
        RetrievalBreaker breaker = breaker(Settings.EMPTY);
        expectThrows(IllegalArgumentException.class, () -> breaker.reserve(-1, "x"));
    }
}
