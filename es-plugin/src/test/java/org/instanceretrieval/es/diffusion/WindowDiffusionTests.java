package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.breaker.CircuitBreakingException;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.indices.breaker.CircuitBreakerMetrics;
import org.elasticsearch.indices.breaker.HierarchyCircuitBreakerService;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;

import java.util.List;

import static org.hamcrest.Matchers.containsString;

/** The window memory estimate (checked by hand) and its accounting on a real request breaker. */
public class WindowDiffusionTests extends ESTestCase {

    public void testEstimateByHand() {
        // 8 n dims + 40 n min(k, n - 1) + 64 n + 4 * 64 n + 1024 for n 100, dims 8, k 50
        assertEquals(6_400 + 200_000 + 6_400 + 25_600 + 1_024, WindowDiffusion.estimatedBytes(100, 8, 50));
        // k above n - 1 counts n - 1 neighbours per node: n 10, dims 2, k 50
        assertEquals(160 + 3_600 + 640 + 2_560 + 1_024, WindowDiffusion.estimatedBytes(10, 2, 50));
    }

    public void testReserveBreaksOverTheLimitAndReleases() {
        Settings settings = Settings.builder().put("indices.breaker.request.limit", "100kb").build();
        HierarchyCircuitBreakerService service = new HierarchyCircuitBreakerService(CircuitBreakerMetrics.NOOP, settings, List.of(),
            new ClusterSettings(settings, ClusterSettings.BUILT_IN_CLUSTER_SETTINGS));
        CircuitBreaker breaker = service.getBreaker(CircuitBreaker.REQUEST);
        try (Releasable r = WindowDiffusion.reserve(breaker, 10, 8, 5, "diffusion")) {
            assertEquals(WindowDiffusion.estimatedBytes(10, 8, 5), breaker.getUsed());
        }
        assertEquals(0, breaker.getUsed());
        CircuitBreakingException e = expectThrows(CircuitBreakingException.class, () -> WindowDiffusion.reserve(breaker, 100, 8, 50,
            "diffusion"));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
        assertThat(e.getMessage(), containsString("<diffusion window of 100 x 8, k 50>"));
        assertEquals(0, breaker.getUsed());
    }
}
