package org.instanceretrieval.rest;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.rest.ESRestTestCase;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * Issue 14, model ensembles in the {@code image_descriptor} processor, on the real node (entitlements
 * on, real ONNX Runtime). Members: the built-in {@code default} model twice with different recipes and
 * an uploaded vector model (per-channel means, written with OnnxGraphWriter). The images are the real
 * PNG and JPEG files of {@code testdata/images}. The expected ensemble vector is computed in this test
 * from three single-model pipelines (weights, concatenation and L2 by a loop here).
 */
public class EnsembleProcessorRestIT extends ESRestTestCase {

    private static final String MEANS_MODEL = "ens-channel-means";
    private static final String GEM = "{\"model_id\": \"filter_bank\", \"pooling\": {\"type\": \"gem\"}, \"scales\": [1]";
    private static final String MAC = "{\"model_id\": \"filter_bank\", \"pooling\": {\"type\": \"mac\"}, \"scales\": [1, 0.5], "
        + "\"size\": {\"longest_side\": 16}";
    private static final String MEANS = "{\"model_id\": \"" + MEANS_MODEL + "\"";

    private static byte[] testdata(String name) throws IOException {
        try (InputStream in = EnsembleProcessorRestIT.class.getResourceAsStream("/images/" + name)) {
            assertNotNull("testdata/images/" + name + " on the test classpath", in);
            return in.readAllBytes();
        }
    }

    private void uploadMeansModel() throws Exception {
        byte[] onnx = new OnnxGraphWriter("means").input("image", null, 3L, null, null).output("embedding", null, 3L)
            .node("GlobalAveragePool", List.of("image"), List.of("pooled"))
            .node("Flatten", List.of("pooled"), List.of("embedding"))
            .build("test", "channel means");
        Request put = new Request("PUT", "/_retrieval/model/" + MEANS_MODEL);
        put.setJsonEntity("{\"input\": {\"size\": {\"longest_side\": 1024}}, \"output\": {\"name\": \"embedding\", \"kind\": \"vector\"}}");
        client().performRequest(put);
        Request part = new Request("PUT", "/_retrieval/model/" + MEANS_MODEL + "/definition/0");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
        part.setJsonEntity("{\"definition\": \"" + Base64.getEncoder().encodeToString(onnx) + "\", \"total_parts\": 1, "
            + "\"total_definition_length\": " + onnx.length + ", \"sha256\": \"" + sha + "\"}");
        client().performRequest(part);
    }

    private void putPipeline(String id, String processorOptions) throws IOException {
        Request pipeline = new Request("PUT", "/_ingest/pipeline/" + id);
        pipeline.setJsonEntity("{\"processors\": [{\"image_descriptor\": {\"field\": \"image\", \"target_field\": \"descriptor\", "
            + processorOptions + "}}]}");
        client().performRequest(pipeline);
    }

    /** A single-model processor's options from a member's JSON (without its weight). */
    private static String single(String member) {
        return member.substring(1);
    }

    @SuppressWarnings("unchecked")
    private double[] simulate(String pipeline, byte[] image) throws IOException {
        Request simulate = new Request("POST", "/_ingest/pipeline/" + pipeline + "/_simulate");
        simulate.setJsonEntity("{\"docs\": [{\"_source\": {\"image\": \"" + Base64.getEncoder().encodeToString(image) + "\"}}]}");
        Map<String, Object> response = entityAsMap(client().performRequest(simulate));
        Map<String, Object> doc = (Map<String, Object>) ((List<Map<String, Object>>) response.get("docs")).get(0).get("doc");
        assertNotNull(response.toString(), doc);
        List<Number> values = (List<Number>) ((Map<String, Object>) doc.get("_source")).get("descriptor");
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).doubleValue();
        }
        return v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** L2([w_1 a_1, ..., w_n a_n]) by a loop. */
    private static double[] concatenation(List<double[]> parts, double... weights) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            for (double x : parts.get(i)) {
                out.add(weights[i] * x);
            }
        }
        double[] v = out.stream().mapToDouble(Double::doubleValue).toArray();
        double n = norm(v);
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public void testTheEnsembleIsTheWeightedConcatenationOfItsMembersAloneAndQueriesFindTheirImage() throws Exception {
        uploadMeansModel();
        try {
            putPipeline("ens-gem", single(GEM));
            putPipeline("ens-mac", single(MAC));
            putPipeline("ens-means", single(MEANS));
            putPipeline("ens-three", "\"models\": [" + GEM + ", \"weight\": 1}, " + MAC + ", \"weight\": 0.5}, " + MEANS
                + ", \"weight\": 2}]");
            for (String name : List.of("gradient-32x24.png", "gradient-32x24.jpg")) {
                byte[] image = testdata(name);
                double[] gem = simulate("ens-gem", image);
                double[] mac = simulate("ens-mac", image);
                double[] means = simulate("ens-means", image);
                assertEquals(128, gem.length);
                assertEquals(128, mac.length);
                assertEquals(3, means.length);
                double[] ensemble = simulate("ens-three", image);
                assertEquals(name, 128 + 128 + 3, ensemble.length);
                assertEquals(name, 1.0, norm(ensemble), 1e-6);
                double[] expected = concatenation(List.of(gem, mac, means), 1, 0.5, 2);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(name + " [" + i + "]", expected[i], ensemble[i], 1e-6);
                }
            }

            // indexed through the ensemble pipeline; the query side describes the query image through the same pipeline
            Request create = new Request("PUT", "/ens-photos");
            create.setJsonEntity("{\"mappings\": {\"properties\": {\"descriptor\": {\"type\": \"dense_vector\", \"dims\": 259, "
                + "\"similarity\": \"dot_product\"}}}}");
            client().performRequest(create);
            String png = Base64.getEncoder().encodeToString(testdata("gradient-32x24.png"));
            String jpeg = Base64.getEncoder().encodeToString(testdata("gradient-32x24.jpg"));
            Request bulk = new Request("POST", "/_bulk");
            bulk.addParameter("refresh", "true");
            bulk.setJsonEntity("{\"index\": {\"_index\": \"ens-photos\", \"_id\": \"png\", \"pipeline\": \"ens-three\"}}\n{\"image\": \""
                + png + "\"}\n{\"index\": {\"_index\": \"ens-photos\", \"_id\": \"jpeg\", \"pipeline\": \"ens-three\"}}\n{\"image\": \""
                + jpeg + "\"}\n");
            Map<String, Object> bulkResponse = entityAsMap(client().performRequest(bulk));
            assertEquals(bulkResponse.toString(), false, bulkResponse.get("errors"));
            Request search = new Request("POST", "/ens-photos/_search");
            search.setJsonEntity("{\"query\": {\"retrieval_knn\": {\"field\": \"descriptor\", \"k\": 2, \"exact\": true, "
                + "\"query_image\": {\"image\": \"" + jpeg + "\", \"pipeline\": \"ens-three\"}}}}");
            Map<String, Object> hits = (Map<String, Object>) entityAsMap(client().performRequest(search)).get("hits");
            List<Map<String, Object>> list = (List<Map<String, Object>>) hits.get("hits");
            assertEquals(2, list.size());
            assertEquals("jpeg", list.get(0).get("_id"));
            // dot_product score (1 + s) / 2 with s = 1: the query vector is the stored one
            assertEquals(1.0, ((Number) list.get(0).get("_score")).doubleValue(), 1e-5);

            // whitening learned with _learn on the stored ensemble vectors, then applied after the concatenation
            StringBuilder more = new StringBuilder();
            for (int seed = 0; seed < 12; seed++) {
                more.append("{\"index\": {\"_index\": \"ens-photos\", \"_id\": \"gen-").append(seed)
                    .append("\", \"pipeline\": \"ens-three\"}}\n{\"image\": \"")
                    .append(Base64.getEncoder().encodeToString(TestImages.smallPng(seed))).append("\"}\n");
            }
            Request bulkMore = new Request("POST", "/_bulk");
            bulkMore.addParameter("refresh", "true");
            bulkMore.setJsonEntity(more.toString());
            assertEquals(false, entityAsMap(client().performRequest(bulkMore)).get("errors"));
            Request learn = new Request("POST", "/_retrieval/whitening/ens-lw/_learn");
            learn.setJsonEntity("{\"method\": \"pca\", \"index\": \"ens-photos\", \"field\": \"descriptor\", \"dimensions\": 8, "
                + "\"shrinkage\": 0.1}");
            Map<String, Object> learned = entityAsMap(client().performRequest(learn));
            assertEquals(learned.toString(), 259, learned.get("input_dimension"));
            assertEquals(8, learned.get("output_dimension"));
            putPipeline("ens-three-lw", "\"whitening_id\": \"ens-lw\", \"models\": [" + GEM + ", \"weight\": 1}, " + MAC
                + ", \"weight\": 0.5}, " + MEANS + ", \"weight\": 2}]");
            double[] whitened = simulate("ens-three-lw", testdata("gradient-32x24.png"));
            assertEquals(8, whitened.length);
            assertEquals(1.0, norm(whitened), 1e-6);
            // the same whitening after an ensemble of another dimension: the document fails naming both dimensions
            putPipeline("ens-two-lw", "\"whitening_id\": \"ens-lw\", \"models\": [" + GEM + "}, " + MAC + "}]");
            Request wrong = new Request("POST", "/_ingest/pipeline/ens-two-lw/_simulate");
            wrong.setJsonEntity("{\"docs\": [{\"_source\": {\"image\": \"" + png + "\"}}]}");
            assertThat(entityAsMap(client().performRequest(wrong)).toString(),
                containsString("whitening [ens-lw] expects dimension 259 but the ensemble of 2 models produces 256"));
            client().performRequest(new Request("DELETE", "/_retrieval/whitening/ens-lw"));
        } finally {
            client().performRequest(new Request("DELETE", "/_retrieval/model/" + MEANS_MODEL));
        }
    }

    public void testBadEnsemblesAreRefusedWhenThePipelineIsCreatedAndMissingMembersFailTheDocument() throws Exception {
        ResponseException both = expectThrows(ResponseException.class,
            () -> putPipeline("ens-bad", "\"model_id\": \"default\", \"models\": [" + GEM + "}, " + MAC + "}]"));
        assertEquals(400, both.getResponse().getStatusLine().getStatusCode());
        assertThat(both.getMessage(), containsString("[models] and [model_id] cannot both be given"));
        ResponseException one = expectThrows(ResponseException.class, () -> putPipeline("ens-bad", "\"models\": [" + GEM + "}]"));
        assertEquals(400, one.getResponse().getStatusLine().getStatusCode());
        assertThat(one.getMessage(), containsString("[models] must hold 2 to 8 members but holds [1]; use [model_id] for a single model"));
        ResponseException weight = expectThrows(ResponseException.class,
            () -> putPipeline("ens-bad", "\"models\": [" + GEM + "}, " + MAC + ", \"weight\": -1}]"));
        assertEquals(400, weight.getResponse().getStatusLine().getStatusCode());
        assertThat(weight.getMessage(), containsString("[models.1.weight] must be a finite number > 0, got [-1]"));
        ResponseException pooling = expectThrows(ResponseException.class,
            () -> putPipeline("ens-bad", "\"pooling\": {\"type\": \"mac\"}, \"models\": [" + GEM + "}, " + MAC + "}]"));
        assertEquals(400, pooling.getResponse().getStatusLine().getStatusCode());
        assertThat(pooling.getMessage(), containsString("[pooling] cannot be used with [models]: give it per member, as [models.N.pooling]"));

        putPipeline("ens-missing", "\"models\": [" + GEM + "}, {\"model_id\": \"ens-no-such-model\"}]");
        Request simulate = new Request("POST", "/_ingest/pipeline/ens-missing/_simulate");
        simulate.setJsonEntity("{\"docs\": [{\"_source\": {\"image\": \"" + Base64.getEncoder().encodeToString(testdata("gradient-32x24.png"))
            + "\"}}]}");
        String body = org.elasticsearch.common.Strings.toString(org.elasticsearch.xcontent.json.JsonXContent.contentBuilder()
            .map(entityAsMap(client().performRequest(simulate))));
        assertThat(body, containsString("unknown model [ens-no-such-model]: no model with this id is stored"));
    }
}
