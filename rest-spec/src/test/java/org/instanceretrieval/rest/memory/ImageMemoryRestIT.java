package org.instanceretrieval.rest.memory;

import static org.instanceretrieval.rest.TestImages.smallPng;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * Issue 11, image decoding, on the real node with a 512m heap (so the {@code retrieval} breaker's
 * default limit is 40% of it, about 205 MB). Decoding an RGB PNG of W x H pixels needs about 19 W H
 * bytes (a 3-byte raster, 4-byte samples, 12 bytes of float planes): 1.27 GB for 8192 x 8191 (just
 * under the 64 Mi pixel limit), 950 MB for 50 MP. Before the breaker these killed the node with an
 * OutOfMemoryError; now each such document answers 429 {@code circuit_breaking_exception}, the rest of
 * its bulk is indexed, the node stays up and the breaker is back at 0 bytes.
 */
public class ImageMemoryRestIT extends MemoryRestSupport {

    @SuppressWarnings("unchecked")
    private static void assertRefusedByTheBreaker(Map<String, Object> item, int width, int height) {
        assertEquals(item.toString(), 429, item.get("status"));
        Map<String, Object> error = (Map<String, Object>) item.get("error");
        assertEquals(error.toString(), "circuit_breaking_exception", error.get("type"));
        String reason = (String) error.get("reason");
        assertThat(reason, containsString("[retrieval] Data too large"));
        assertThat(reason, containsString("decoding a " + width + "x" + height + " PNG image"));
        assertThat(reason, containsString("breaker.retrieval.limit"));
    }

    public void testTwoPngsOf8192x8191InOneBulkAreRefusedAndTheOtherDocumentsIndexed() throws Exception {
        createIndexWithDescriptor("mem-bulk");
        putPipeline("mem-describe", "filter_bank");
        byte[] huge = FlatPng.black(8192, 8191);
        assertTrue("the issue's PNGs are about 196 KB, this one " + huge.length, huge.length < 400_000);
        long trippedBefore = ((Number) retrievalBreaker().get("tripped")).longValue();

        String body = bulkLine("mem-bulk", "good-1", "mem-describe", smallPng(1))
            + bulkLine("mem-bulk", "huge-1", "mem-describe", huge)
            + bulkLine("mem-bulk", "huge-2", "mem-describe", huge)
            + bulkLine("mem-bulk", "good-2", "mem-describe", smallPng(2));
        Map<String, Object> response = bulk(client(), body);

        assertEquals(true, response.get("errors"));
        assertEquals(201, item(response, "good-1").get("status"));
        assertEquals(201, item(response, "good-2").get("status"));
        assertRefusedByTheBreaker(item(response, "huge-1"), 8192, 8191);
        assertRefusedByTheBreaker(item(response, "huge-2"), 8192, 8191);
        assertNodeUp();
        assertEquals(2, count("mem-bulk"));
        Map<String, Object> breaker = retrievalBreaker();
        assertEquals(0, ((Number) breaker.get("estimated_size_in_bytes")).longValue());
        assertThat(((Number) breaker.get("tripped")).longValue(), greaterThanOrEqualTo(trippedBefore + 2));
    }

    public void testFourParallelBulksOfOneFiftyMegapixelImageEachAreRefusedAndTheOtherDocumentsIndexed() throws Exception {
        createIndexWithDescriptor("mem-parallel");
        putPipeline("mem-describe", "filter_bank");
        byte[] fiftyMegapixels = FlatPng.black(8000, 6250);
        int bulks = 4;
        CyclicBarrier start = new CyclicBarrier(bulks);
        List<Map<String, Object>> responses = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < bulks; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    String body = bulkLine("mem-parallel", "big-" + n, "mem-describe", fiftyMegapixels)
                        + bulkLine("mem-parallel", "good-" + n, "mem-describe", smallPng(n));
                    start.await();
                    responses.add(bulk(client(), body));
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), errors);
        assertEquals(bulks, responses.size());
        for (Map<String, Object> response : responses) {
            String good = null, big = null;
            for (int i = 0; i < bulks; i++) {
                if (response.toString().contains("good-" + i)) {
                    good = "good-" + i;
                    big = "big-" + i;
                }
            }
            assertEquals(201, item(response, good).get("status"));
            assertRefusedByTheBreaker(item(response, big), 8000, 6250);
        }
        assertNodeUp();
        assertEquals(bulks, count("mem-parallel"));
        assertEquals(0, ((Number) retrievalBreaker().get("estimated_size_in_bytes")).longValue());
    }

    /** Raising the limit lets a large image through: the breaker is the only thing that refused it. */
    public void testALargerLimitAdmitsAnImageTheDefaultRefusesAndTheSettingIsRestored() throws Exception {
        createIndexWithDescriptor("mem-limit");
        putPipeline("mem-describe", "filter_bank");
        // 1500 x 1000 = 1.5 MP: decoding charges 1.5e6 * 38 = 57 MB. Small beside the node's 512 MB heap on purpose: the parent
        // breaker counts the heap's real usage, and a 6 MP image (228 MB) was once refused by it on a heap full of garbage
        byte[] image = FlatPng.black(1500, 1000);
        setLimit("20mb");
        try {
            Map<String, Object> refused = bulk(client(), bulkLine("mem-limit", "image", "mem-describe", image));
            assertRefusedByTheBreaker(item(refused, "image"), 1500, 1000);
        } finally {
            setLimit(null);
        }
        Map<String, Object> admitted = bulk(client(), bulkLine("mem-limit", "image", "mem-describe", image));
        assertEquals(admitted.toString(), 201, item(admitted, "image").get("status"));
        assertNodeUp();
        assertEquals(0, ((Number) retrievalBreaker().get("estimated_size_in_bytes")).longValue());
    }

    private void setLimit(String value) throws Exception {
        org.elasticsearch.client.Request request = new org.elasticsearch.client.Request("PUT", "/_cluster/settings");
        request.setJsonEntity("{\"persistent\": {\"breaker.retrieval.limit\": " + (value == null ? "null" : "\"" + value + "\"") + "}}");
        client().performRequest(request);
    }
}
