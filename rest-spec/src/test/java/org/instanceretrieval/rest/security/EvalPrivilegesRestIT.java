package org.instanceretrieval.rest.security;

import org.elasticsearch.client.Request;
import org.junit.After;
import org.junit.Before;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The privileges of {@code _retrieval_eval} on a node with security on:
 * <ul>
 *   <li>the index is read as the caller ({@code read} on it);</li>
 *   <li>a stored ground truth is read with the privilege of {@code GET _retrieval/ground_truth/{id}}
 *       ({@code monitor}): a caller who may read the index but not the ground truth gets 403 and no
 *       ground-truth name;</li>
 *   <li>{@code record: true} writes to {@code retrieval-eval-runs} as the caller, and a caller without
 *       {@code create_doc} there gets 403 before any work: on a ground truth whose query is missing from
 *       the index (a 400 found only after reading the index) the answer is still the 403.</li>
 * </ul>
 */
public class EvalPrivilegesRestIT extends SecureNodeRestTestCase {

    private static final String EVAL = "/sec-eval/_retrieval_eval";

    @Before
    public void indexAndGroundTruths() throws IOException {
        expect(200, "admin", request("PUT", "/sec-eval", """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"v": {"type": "dense_vector", "dims": 2, "similarity": "dot_product"}}}}"""));
        Request bulk = request("POST", "/_bulk", """
            {"index": {"_index": "sec-eval", "_id": "a"}}
            {"v": [1.0, 0.0]}
            {"index": {"_index": "sec-eval", "_id": "b"}}
            {"v": [0.8, 0.6]}
            {"index": {"_index": "sec-eval", "_id": "c"}}
            {"v": [0.0, 1.0]}
            """);
        bulk.addParameter("refresh", "true");
        expect(200, "admin", bulk);
        // query a ranks a (1), b (0.8), c (0): positives [a, c] at 0 and 2; the oxford_paris AP (trapezoids over
        // recall steps of 1/2) is (1 + 1) / 2 * 1/2 + (1/2 + 2/3) / 2 * 1/2 = 1/2 + 7/24 = 19/24
        expect(200, "admin", request("PUT", "/_retrieval/ground_truth/sec-gt", """
            {"format": "json", "data": {"protocol": "oxford_paris", "queries": [{"name": "a", "positive": ["a", "c"]}]}}"""));
        expect(200, "admin", request("PUT", "/_retrieval/ground_truth/sec-gt-missing", """
            {"format": "json", "data": {"protocol": "oxford_paris", "queries": [{"name": "zz", "positive": ["a"]}]}}"""));
    }

    @After
    public void deleteIndexAndGroundTruths() throws IOException {
        expect(200, "admin", request("DELETE", "/sec-eval", null));
        expect(200, "admin", request("DELETE", "/_retrieval/ground_truth/sec-gt", null));
        expect(200, "admin", request("DELETE", "/_retrieval/ground_truth/sec-gt-missing", null));
    }

    private static Request eval(String groundTruth, boolean record) {
        return request("POST", EVAL, "{\"ground_truth\": \"" + groundTruth + "\", \"field\": \"v\", \"engine\": \"exact\", \"record\": " + record
            + (record ? ", \"name\": \"sec-run\"" : "") + "}");
    }

    @SuppressWarnings("unchecked")
    private static double mAP(Answer answer) {
        return ((Number) ((Map<String, Object>) answer.body().get("overall")).get("mAP")).doubleValue();
    }

    public void testReadingAStoredGroundTruthNeedsItsGetPrivilege() throws IOException {
        expect(403, "reader", request("GET", "/_retrieval/ground_truth/sec-gt", null));
        Answer refused = expect(403, "reader", eval("sec-gt", false));
        assertTrue(refused.error(), refused.error().contains("cluster:monitor/retrieval/ground_truth/get"));
        assertFalse("no ground-truth name in a refusal: " + refused.body(), refused.body().toString().contains("positive"));
        Answer allowed = expect(200, "evaluator", eval("sec-gt", false));
        assertEquals(19.0 / 24.0, mAP(allowed), 1e-6);
        // an unknown ground truth is a 404 for who may read ground truths, a 403 for who may not
        expect(404, "evaluator", eval("sec-none", false));
        expect(403, "reader", eval("sec-none", false));
    }

    public void testRecordingWithoutWriteIs403BeforeAnyWork() throws IOException {
        Answer refused = expect(403, "evaluator", eval("sec-gt-missing", true));
        assertTrue(refused.error(), refused.error().contains("retrieval-eval-runs"));
        // the same request with the write privilege gets as far as the evaluation, which finds the missing query
        Answer missing = expect(400, "recorder", eval("sec-gt-missing", true));
        assertTrue(missing.error(), missing.error().contains("query documents of ground truth [sec-gt-missing] are not in index"));
        Answer refusedGood = expect(403, "evaluator", eval("sec-gt", true));
        assertTrue(refusedGood.error(), refusedGood.error().contains("retrieval-eval-runs"));

        Answer recorded = expect(200, "recorder", eval("sec-gt", true));
        assertEquals(19.0 / 24.0, mAP(recorded), 1e-6);
        String runId = (String) recorded.body().get("run_id");
        Request search = request("GET", "/retrieval-eval-runs/_search", """
            {"size": 10, "query": {"term": {"run_id": "%s"}}, "sort": [{"doc_type": "asc"}]}""".formatted(runId));
        expect(200, "admin", request("POST", "/retrieval-eval-runs/_refresh", null));
        List<String> types = ((List<?>) ((Map<?, ?>) expect(200, "admin", search).body().get("hits")).get("hits")).stream()
            .map(hit -> (String) ((Map<?, ?>) ((Map<?, ?>) hit).get("_source")).get("doc_type")).toList();
        // the start written before the work, the summary and the one query when it ended; nothing of the refused runs
        assertEquals(List.of("query", "run", "run_started"), types);
        // two starts in all: the recorder's two runs; the refused runs wrote nothing
        Map<?, ?> starts = expect(200, "admin", request("GET", "/retrieval-eval-runs/_count",
            "{\"query\": {\"term\": {\"doc_type\": \"run_started\"}}}")).body();
        assertEquals(2, starts.get("count"));
    }
}
