package org.instanceretrieval.rest.security;

import java.io.IOException;

/**
 * Which cluster privilege each model endpoint needs on a node with security on: changes need
 * {@code manage} ({@code cluster:admin/retrieval/...}), reading needs {@code monitor}
 * ({@code cluster:monitor/retrieval/...}), and nobody reaches the system index directly; the plugin
 * reaches it for any authorised caller.
 */
public class ModelStorePrivilegesRestIT extends SecureNodeRestTestCase {

    private static final String CONFIG = "{\"input\": {\"size\": {\"longest_side\": 1024}}, \"output\": {\"kind\": \"feature_map\"}}";
    /** The 155-byte Identity graph of rest-spec/test/model/20_definition_parts.yml, in its three parts. */
    private static final String[] PARTS = {
        "CAgSBHlhbWwyADqIAQocCgF4EgF5GgpJZGVudGl0eV8wIghJZGVudGl0eRIIaWRlbnRpdA==",
        "eVIAWi0KAXgSKAomCAESIgoIEgZ4X2RpbTAKAggDCggSBnhfZGltMgoIEgZ4X2RpbTNiLQ==",
        "CgF5EigKJggBEiIKCBIGeV9kaW0wCgIIAwoIEgZ5X2RpbTIKCBIGeV9kaW0zQgQKABAR" };
    private static final String SHA256 = "50757f0149f3f3eaab83f057df7a8460cbbebab947cec96b782e49d7e7acb6d2";

    private static String part(int i) {
        return "{\"definition\": \"" + PARTS[i] + "\", \"total_parts\": 3, \"total_definition_length\": 155, \"sha256\": \"" + SHA256 + "\"}";
    }

    public void testManageChangesMonitorReadsNobodyTouchesTheSystemIndex() throws IOException {
        expect(200, "modeladmin", request("PUT", "/_retrieval/model/sec-model", CONFIG));
        expect(403, "viewer", request("PUT", "/_retrieval/model/sec-other", CONFIG));
        expect(403, "viewer", request("PUT", "/_retrieval/model/sec-model/definition/0", part(0)));
        for (int i = 0; i < 3; i++) {
            Answer answer = expect(200, "modeladmin", request("PUT", "/_retrieval/model/sec-model/definition/" + i, part(i)));
            assertEquals(i == 2 ? "ready" : "uploading", answer.body().get("state"));
        }
        expect(200, "viewer", request("GET", "/_retrieval/model", null));
        expect(200, "viewer", request("GET", "/_retrieval/model/sec-model", null));
        expect(200, "viewer", request("GET", "/_retrieval/model/sec-model/_stats", null));
        expect(403, "reader", request("GET", "/_retrieval/model", null));
        expect(403, "reader", request("GET", "/.retrieval-models-1/_search", null));
        expect(403, "modeladmin", request("GET", "/.retrieval-models-1/_search", null));
        expect(403, "reader", request("DELETE", "/_retrieval/model/sec-model", null));
        expect(403, "viewer", request("DELETE", "/_retrieval/model/sec-model", null));
        expect(409, "modeladmin", request("DELETE", "/_retrieval/model/default", null));
        expect(200, "modeladmin", request("DELETE", "/_retrieval/model/sec-model", null));
        expect(404, "viewer", request("GET", "/_retrieval/model/sec-model", null));
    }
}
