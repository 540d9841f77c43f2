package org.instanceretrieval.es;

import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.network.NetworkModule;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.transport.TransportAddress;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.test.ESIntegTestCase;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.common.xcontent.XContentHelper.convertToMap;

/**
 * Base of the plugin's internal-cluster tests: nodes of the test framework with the plugin and
 * real HTTP through Netty, and helpers to call one chosen node over HTTP.
 */
public abstract class RetrievalIntegTestCase extends ESIntegTestCase {

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(InstanceRetrievalPlugin.class, Netty4Plugin.class);
    }

    @Override
    protected boolean addMockHttpTransport() {
        return false;
    }

    @Override
    protected Settings nodeSettings(int nodeOrdinal, Settings otherSettings) {
        return Settings.builder()
            .put(super.nodeSettings(nodeOrdinal, otherSettings))
            .put(NetworkModule.HTTP_TYPE_KEY, Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .build();
    }

    /** A REST client talking to one node only; close it after use. */
    protected static RestClient clientOf(String node) {
        TransportAddress address = internalCluster().getInstance(HttpServerTransport.class, node).boundAddress().publishAddress();
        return RestClient.builder(new HttpHost(address.getAddress(), address.getPort(), "http")).build();
    }

    /** Performs a call that must succeed and returns its JSON object body. */
    protected static Map<String, Object> call(RestClient client, String method, String path, String body) throws IOException {
        Request request = new Request(method, path);
        if (body != null) {
            request.setJsonEntity(body);
        }
        return parseMap(client.performRequest(request));
    }

    /** Performs a call expected to fail with an HTTP error. */
    protected static ResponseException failure(RestClient client, String method, String path, String body) {
        return expectThrows(ResponseException.class, () -> call(client, method, path, body));
    }

    protected static int status(ResponseException e) {
        return e.getResponse().getStatusLine().getStatusCode();
    }

    /** The names of two different nodes of the cluster. */
    protected static String[] twoNodes() {
        String[] names = internalCluster().getNodeNames();
        assertTrue(names.length >= 2);
        return new String[] { names[0], names[1] };
    }

    // ---- model definitions, uploaded in parts as users do ----

    /** The body of {@code PUT _retrieval/model/{id}/definition/{part}}. */
    protected static String partBody(byte[] bytes, int totalParts, long totalLength, String sha256) {
        return "{\"definition\": \"" + Base64.getEncoder().encodeToString(bytes) + "\", \"total_parts\": " + totalParts
            + ", \"total_definition_length\": " + totalLength + ", \"sha256\": \"" + sha256 + "\"}";
    }

    /** Splits into n parts of ceil(L/n) bytes, the last shorter (the rule of the store). */
    protected static List<byte[]> split(byte[] whole, int n) {
        int size = (whole.length + n - 1) / n;
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(Arrays.copyOfRange(whole, i * size, Math.min(whole.length, (i + 1) * size)));
        }
        return parts;
    }

    protected static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Uploads a whole definition in {@code parts} parts, in order. */
    protected static void uploadDefinition(RestClient client, String modelId, byte[] whole, int parts) throws Exception {
        String sha = sha256(whole);
        List<byte[]> pieces = split(whole, parts);
        for (int i = 0; i < parts; i++) {
            call(client, "PUT", "/_retrieval/model/" + modelId + "/definition/" + i, partBody(pieces.get(i), parts, whole.length, sha));
        }
    }

    protected static Map<String, Object> parseMap(Response response) throws IOException {
        try (InputStream in = response.getEntity().getContent()) {
            return convertToMap(XContentType.JSON.xContent(), in, false);
        }
    }

    protected static List<Object> parseList(Response response) throws IOException {
        try (InputStream in = response.getEntity().getContent()) {
            return XContentType.JSON.xContent().createParser(XContentParserConfiguration.EMPTY, in).list();
        }
    }
}
