package org.instanceretrieval.rest.memory;

import static org.instanceretrieval.rest.TestImages.smallPng;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * Issue 11, model outputs, on the real node with a 512m heap. The models are a single Resize
 * (nearest) that upscales the image, written with OnnxGraphWriter: with a fixed 64 x 64 input and
 * scale 178.75 the declared output is [N, 3, 11440, 11440], 3 * 11440^2 * 4 = 1,570,483,200 bytes per
 * image (the 1.57 GB); with dynamic sizes and scale 200 a 32 x 24 image gives
 * [1, 3, 4800, 6400], 368,640,000 bytes, known only after the run. Before the breaker copying such an
 * output onto the heap killed the node; now the first is refused when registered (or first loaded)
 * with a 400 naming the limit and its setting, the second answers 429, and the node stays up.
 */
public class ModelOutputMemoryRestIT extends MemoryRestSupport {

    private static byte[] upscale(Long side, float factor) {
        Long out = side == null ? null : (long) (side * factor);
        return new OnnxGraphWriter("upscale").input("x", null, 3L, side, side).output("y", null, 3L, out, out)
            .initializer("scales", new long[] { 4 }, new float[] { 1, 1, factor, factor })
            .node("Resize", List.of("x", "", "scales"), List.of("y")).build("test", "");
    }

    private static final String STATIC_CONFIG = "{\"input\": {\"size\": {\"fixed\": [64, 64]}}, \"output\": {\"name\": \"y\", "
        + "\"kind\": \"feature_map\"}}";
    private static final String DYNAMIC_CONFIG = "{\"input\": {\"size\": {\"longest_side\": 1024}}, \"output\": {\"name\": \"y\", "
        + "\"kind\": \"feature_map\"}}";

    private Map<String, Object> upload(String modelId, String config, byte[] onnx) throws Exception {
        Request put = new Request("PUT", "/_retrieval/model/" + modelId);
        put.setJsonEntity(config);
        client().performRequest(put);
        Request part = new Request("PUT", "/_retrieval/model/" + modelId + "/definition/0");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
        part.setJsonEntity("{\"definition\": \"" + b64(onnx) + "\", \"total_parts\": 1, \"total_definition_length\": " + onnx.length
            + ", \"sha256\": \"" + sha + "\"}");
        return entityAsMap(client().performRequest(part));
    }

    private void deleteModel(String modelId) throws IOException {
        client().performRequest(new Request("DELETE", "/_retrieval/model/" + modelId));
    }

    private long breakerLimit() throws IOException {
        return ((Number) retrievalBreaker().get("limit_size_in_bytes")).longValue();
    }

    private void setLimit(String value) throws IOException {
        Request request = new Request("PUT", "/_cluster/settings");
        request.setJsonEntity("{\"persistent\": {\"breaker.retrieval.limit\": " + (value == null ? "null" : "\"" + value + "\"") + "}}");
        client().performRequest(request);
    }

    private String tooLarge(String modelId) throws IOException {
        return "model [" + modelId + "] output [y] has shape [-1, 3, 11440, 11440]: 1570483200 bytes per image, more than the "
            + "[retrieval] circuit breaker limit (setting [breaker.retrieval.limit]) of " + breakerLimit() + " bytes";
    }

    public void testAModelWhoseOutputIs1570MBIsFailedWhenItsLastPartArrives() throws Exception {
        ResponseException e = expectThrows(ResponseException.class, () -> upload("mem-huge-output", STATIC_CONFIG, upscale(64L, 178.75f)));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertThat(e.getMessage(), containsString(tooLarge("mem-huge-output")));
        Map<String, Object> model = entityAsMap(client().performRequest(new Request("GET", "/_retrieval/model/mem-huge-output")));
        assertEquals("failed", model.get("state"));
        assertThat((String) model.get("failure_reason"), containsString(tooLarge("mem-huge-output")));
        assertNodeUp();
        // the node still describes images
        createIndexWithDescriptor("mem-after-huge");
        putPipeline("mem-default", "filter_bank");
        Map<String, Object> response = bulk(client(), bulkLine("mem-after-huge", "good", "mem-default", smallPng(3)));
        assertEquals(201, item(response, "good").get("status"));
        deleteModel("mem-huge-output");
    }

    @SuppressWarnings("unchecked")
    public void testAModelRegisteredUnderALargerLimitIsRefusedWhenFirstLoadedAndTheRestOfTheBulkIsIndexed() throws Exception {
        setLimit("2gb");
        try {
            assertEquals("ready", upload("mem-later-huge", STATIC_CONFIG, upscale(64L, 178.75f)).get("state"));
        } finally {
            setLimit(null);
        }
        createIndexWithDescriptor("mem-first-load");
        putPipeline("mem-default", "filter_bank");
        putPipeline("mem-huge", "mem-later-huge");
        byte[] sixtyFour = FlatPng.black(64, 64);
        Map<String, Object> response = bulk(client(), bulkLine("mem-first-load", "good-1", "mem-default", smallPng(4))
            + bulkLine("mem-first-load", "huge", "mem-huge", sixtyFour)
            + bulkLine("mem-first-load", "good-2", "mem-default", smallPng(5)));
        Map<String, Object> huge = item(response, "huge");
        assertEquals(huge.toString(), 400, huge.get("status"));
        Map<String, Object> error = (Map<String, Object>) huge.get("error");
        assertEquals("illegal_argument_exception", error.get("type"));
        assertThat((String) error.get("reason"), containsString(tooLarge("mem-later-huge")));
        assertEquals(201, item(response, "good-1").get("status"));
        assertEquals(201, item(response, "good-2").get("status"));
        assertNodeUp();
        assertEquals(2, count("mem-first-load"));
        deleteModel("mem-later-huge");
    }

    @SuppressWarnings("unchecked")
    public void testAnOutputTooLargeForTheBreakerAtRunTimeIs429AndTheRestOfTheBulkIsIndexed() throws Exception {
        assertEquals("ready", upload("mem-dynamic", DYNAMIC_CONFIG, upscale(null, 200f)).get("state"));
        createIndexWithDescriptor("mem-dynamic-idx");
        putPipeline("mem-default", "filter_bank");
        putPipeline("mem-blowup", "mem-dynamic");
        Map<String, Object> response = bulk(client(), bulkLine("mem-dynamic-idx", "good-1", "mem-default", smallPng(6))
            + bulkLine("mem-dynamic-idx", "blowup", "mem-blowup", smallPng(7))
            + bulkLine("mem-dynamic-idx", "good-2", "mem-default", smallPng(8)));
        Map<String, Object> blowup = item(response, "blowup");
        assertEquals(blowup.toString(), 429, blowup.get("status"));
        Map<String, Object> error = (Map<String, Object>) blowup.get("error");
        assertEquals("circuit_breaking_exception", error.get("type"));
        String reason = (String) error.get("reason");
        assertThat(reason, containsString("the output of a batch of 1 inputs of 3x24x32"));
        assertThat(reason, containsString("breaker.retrieval.limit"));
        assertEquals(201, item(response, "good-1").get("status"));
        assertEquals(201, item(response, "good-2").get("status"));
        assertNodeUp();
        assertEquals(2, count("mem-dynamic-idx"));
        assertEquals(0, ((Number) retrievalBreaker().get("estimated_size_in_bytes")).longValue());
        deleteModel("mem-dynamic");
    }
}
