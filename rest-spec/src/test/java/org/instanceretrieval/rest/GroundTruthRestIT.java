package org.instanceretrieval.rest;

import java.io.InputStream;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.rest.ESRestTestCase;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The real cirtorch pickles through the installed plugin on the real node, under entitlements:
 * Pyrolite must load from the zip and the plugin must read files in the node's config directory.
 * Oxford5k is copied into the config directory and put by path; Paris6k is sent inline as base64.
 * Expected values: the published sizes and totals counted with python3 when the data was added.
 */
public class GroundTruthRestIT extends ESRestTestCase {

    /** {@code gnd_{name}.pkl} of the repository's testdata/groundtruth, from the test classpath. */
    static byte[] groundTruthPickle(String name) throws IOException {
        try (InputStream in = GroundTruthRestIT.class.getResourceAsStream("/groundtruth/gnd_" + name + ".pkl")) {
            assertNotNull("gnd_" + name + ".pkl not on the test classpath", in);
            return in.readAllBytes();
        }
    }

    /** The config directory of the node the build started (see scripts/node.sh). */
    private static Path nodeConfigDir() throws IOException {
        Path nodeDir = Path.of(System.getProperty("tests.node.dir"));
        try (DirectoryStream<Path> homes = Files.newDirectoryStream(nodeDir, "elasticsearch-*")) {
            for (Path home : homes) {
                return home.resolve("config");
            }
        }
        throw new AssertionError("no elasticsearch-* home under " + nodeDir);
    }

    private Map<String, Object> put(String id, String body) throws IOException {
        Request request = new Request("PUT", "/_retrieval/ground_truth/" + id);
        request.setJsonEntity(body);
        return entityAsMap(client().performRequest(request));
    }

    private void delete(String id) throws IOException {
        client().performRequest(new Request("DELETE", "/_retrieval/ground_truth/" + id));
    }

    public void testOxford5kByPathFromTheConfigDirectory() throws IOException {
        Path dir = nodeConfigDir().resolve("ground-truth");
        Files.createDirectories(dir);
        Files.write(dir.resolve("gnd_oxford5k.pkl"), groundTruthPickle("oxford5k"));
        Map<String, Object> response = put("rest-oxford5k", "{\"format\": \"cirtorch_pkl\", \"path\": \"ground-truth/gnd_oxford5k.pkl\"}");
        assertEquals("oxford_paris", response.get("protocol"));
        assertEquals(Map.of("queries", 55, "database", 5063, "classes", 0), response.get("counts"));

        Request get = new Request("GET", "/_retrieval/ground_truth/rest-oxford5k");
        get.addParameter("include", "ground_truth");
        Map<String, Object> full = entityAsMap(client().performRequest(get));
        Map<?, ?> gt = (Map<?, ?>) full.get("ground_truth");
        List<?> queries = (List<?>) gt.get("queries");
        assertEquals(55, queries.size());
        Map<?, ?> first = (Map<?, ?>) queries.get(0);
        assertEquals("all_souls_000013", first.get("name"));
        assertEquals(List.of(136.5, 34.1, 648.5, 955.7), first.get("box"));
        assertEquals(2840, queries.stream().mapToInt(q -> ((List<?>) ((Map<?, ?>) q).get("positive")).size()).sum());
        assertEquals(1495, queries.stream().mapToInt(q -> ((List<?>) ((Map<?, ?>) q).get("junk")).size()).sum());
        delete("rest-oxford5k");
    }

    public void testParis6kInlineAsBase64() throws IOException {
        String base64 = Base64.getEncoder().encodeToString(groundTruthPickle("paris6k"));
        Map<String, Object> response = put("rest-paris6k", "{\"format\": \"cirtorch_pkl\", \"data\": \"" + base64 + "\"}");
        assertEquals(Map.of("queries", 55, "database", 6392, "classes", 0), response.get("counts"));
        delete("rest-paris6k");
    }

    public void testPathOutsideTheConfigDirectoryIsRefused() throws IOException {
        ResponseException e = expectThrows(ResponseException.class,
            () -> put("rest-escape", "{\"format\": \"cirtorch_pkl\", \"path\": \"../config/../../x.pkl\"}"));
        assertEquals(400, e.getResponse().getStatusLine().getStatusCode());
        assertTrue(e.getMessage(), e.getMessage().contains("escapes the config directory"));
    }

    @Override
    protected boolean preserveClusterUponCompletion() {
        return false;
    }
}
