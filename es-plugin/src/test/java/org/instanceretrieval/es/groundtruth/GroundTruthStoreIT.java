package org.instanceretrieval.es.groundtruth;

import java.io.IOException;
import java.io.InputStream;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.instanceretrieval.eval.format.CirtorchPickle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * The ground-truth endpoints on a cluster of two data nodes over real HTTP: a ground truth put
 * through one node is read back through the other, over REST (metadata, canonical JSON) and as a
 * {@link NamedGroundTruth} through that node's {@link GroundTruthStore}; ids are immutable (409);
 * a delete reaches the caches of both nodes; bad input is a 400 naming the problem; the
 * {@code index} check reports the names an index lacks; {@code path} reads only inside the
 * config directory.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class GroundTruthStoreIT extends RetrievalIntegTestCase {

    /** Two queries; q1 with a box, easy/hard lists on q2 to check every list survives. */
    private static final String SMALL_JSON = """
        {"protocol": "oxford_paris",
         "database": ["a", "b", "c", "d", "e"],
         "queries": [
           {"name": "a", "positive": ["a", "b"], "junk": ["c"], "box": [1, 2, 30.5, 40]},
           {"name": "d", "positive": ["e"], "easy": ["b"], "hard": ["c"]}
         ]}""";

    private static final NamedGroundTruth SMALL = new NamedGroundTruth(
        "oxford_paris",
        List.of("a", "b", "c", "d", "e"),
        List.of(
            new NamedQuery("a", List.of("a", "b"), List.of(), List.of(), List.of("c"), new BoundingBox(1, 2, 30.5, 40)),
            new NamedQuery("d", List.of("e"), List.of("b"), List.of("c"), List.of(), null)
        ),
        null
    );

    private static CachingGroundTruthStore storeOf(String node) {
        return internalCluster().getInstance(CachingGroundTruthStore.class, node);
    }

    private static StoredGroundTruth fetch(String node, String id) {
        PlainActionFuture<StoredGroundTruth> future = new PlainActionFuture<>();
        storeOf(node).get(id, future);
        return future.actionGet();
    }

    private static String putBody(String format, String dataJson) {
        return "{\"format\": \"" + format + "\", \"data\": " + dataJson + "}";
    }

    private static String reason(ResponseException e) {
        return e.getMessage();
    }

    public void testPutOnOneNodeReadOnTheOther() throws Exception {
        String[] nodes = twoNodes();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            Map<String, Object> put = call(a, "PUT", "/_retrieval/ground_truth/small", putBody("json", SMALL_JSON));
            assertEquals(true, put.get("acknowledged"));
            assertEquals("small", put.get("ground_truth_id"));
            assertEquals(Map.of("queries", 2, "database", 5, "classes", 0), put.get("counts"));

            Map<String, Object> got = call(b, "GET", "/_retrieval/ground_truth/small", null);
            assertEquals("json", got.get("format"));
            assertEquals("oxford_paris", got.get("protocol"));
            assertEquals("_id", got.get("id_field"));
            assertEquals(Map.of("queries", 2, "database", 5, "classes", 0), got.get("counts"));
            assertNull(got.get("ground_truth"));

            Map<String, Object> full = call(b, "GET", "/_retrieval/ground_truth/small?include=ground_truth", null);
            @SuppressWarnings("unchecked")
            Map<String, Object> canonical = (Map<String, Object>) full.get("ground_truth");
            assertEquals(List.of("a", "b", "c", "d", "e"), canonical.get("database"));
            assertEquals(
                List.of(
                    Map.of("name", "a", "positive", List.of("a", "b"), "junk", List.of("c"), "box", List.of(1.0, 2.0, 30.5, 40.0)),
                    Map.of("name", "d", "positive", List.of("e"), "easy", List.of("b"), "hard", List.of("c"))
                ),
                canonical.get("queries")
            );

            // The interface the evaluation injects is this node's cached store.
            assertSame(storeOf(nodes[1]), internalCluster().getInstance(GroundTruthStore.class, nodes[1]));
            StoredGroundTruth stored = fetch(nodes[1], "small");
            assertEquals(SMALL, stored.groundTruth());
            assertEquals("json", stored.format());
            assertEquals("_id", stored.idField());
            assertTrue(storeOf(nodes[1]).isCached("small"));

            ResponseException again = failure(b, "PUT", "/_retrieval/ground_truth/small", putBody("json", SMALL_JSON));
            assertEquals(409, status(again));
            assertThat(reason(again), containsString("ground truth [small] already exists"));
        }
    }

    public void testListAndDeleteReachesEveryCache() throws Exception {
        String[] nodes = twoNodes();
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            call(a, "PUT", "/_retrieval/ground_truth/list-b", putBody("json", SMALL_JSON));
            call(a, "PUT", "/_retrieval/ground_truth/list-a",
                "{\"format\": \"json\", \"id_field\": \"name\", \"protocol\": \"ukbench\", \"data\": "
                    + "{\"classes\": {\"x1\": \"x\", \"x2\": \"x\", \"y1\": \"y\", \"y2\": \"y\"}}}");
            Map<String, Object> list = call(b, "GET", "/_retrieval/ground_truth", null);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) list.get("ground_truths");
            List<String> ids = rows.stream().map(r -> (String) r.get("ground_truth_id")).filter(id -> id.startsWith("list-")).toList();
            assertEquals(List.of("list-a", "list-b"), ids);
            Map<String, Object> labels = rows.stream().filter(r -> r.get("ground_truth_id").equals("list-a")).findFirst().orElseThrow();
            assertEquals("ukbench", labels.get("protocol"));
            assertEquals("name", labels.get("id_field"));
            assertEquals(Map.of("queries", 4, "classes", 2), labels.get("counts"));

            Request cat = new Request("GET", "/_cat/retrieval/ground_truth");
            cat.addParameter("v", "true");
            String text = new String(b.performRequest(cat).getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
            List<String> lines = text.lines().filter(l -> l.startsWith("list-") || l.startsWith("id ")).toList();
            assertEquals(3, lines.size());
            assertEquals(List.of("id", "format", "protocol", "id_field", "queries", "database", "classes"), List.of(lines.get(0).trim().split("\\s+")));
            assertEquals(List.of("list-a", "json", "ukbench", "name", "4", "2"), List.of(lines.get(1).trim().split("\\s+")));
            assertEquals(List.of("list-b", "json", "oxford_paris", "_id", "2", "5", "0"), List.of(lines.get(2).trim().split("\\s+")));

            fetch(nodes[0], "list-a");
            fetch(nodes[1], "list-a");
            assertTrue(storeOf(nodes[0]).isCached("list-a") && storeOf(nodes[1]).isCached("list-a"));
            assertEquals(Map.of("acknowledged", true), call(a, "DELETE", "/_retrieval/ground_truth/list-a", null));
            assertFalse(storeOf(nodes[0]).isCached("list-a"));
            assertFalse(storeOf(nodes[1]).isCached("list-a"));
            expectThrows(ResourceNotFoundException.class, () -> fetch(nodes[1], "list-a"));
            assertEquals(404, status(failure(b, "GET", "/_retrieval/ground_truth/list-a", null)));
            assertEquals(404, status(failure(b, "DELETE", "/_retrieval/ground_truth/list-a", null)));
        }
    }

    public void testBadInputIs400NamingTheProblem() throws Exception {
        try (RestClient a = clientOf(twoNodes()[0])) {
            assertBadRequest(a, "bad", "{\"format\": \"csv\", \"data\": {}}", "unknown [format] [csv]");
            assertBadRequest(a, "bad", "{\"format\": \"json\"}", "missing data");
            assertBadRequest(a, "bad", "{\"data\": {}}", "[format] is required");
            assertBadRequest(a, "bad", "{\"format\": \"json\", \"data\": {}, \"colour\": 1}", "unknown field [colour]");
            assertBadRequest(a, "bad", putBody("json", "[1, 2]"), "[data] must be a JSON object for format [json]");
            assertBadRequest(a, "bad", putBody("json", "{\"queries\": [{\"name\": \"q\", \"positive\": [\"x\"]}]}"),
                "needs a [protocol]");
            assertBadRequest(a, "bad", putBody("json", "{\"protocol\": \"oxford_paris\", \"queries\": "
                + "[{\"name\": \"q\", \"positive\": [\"x\", \"y\"], \"junk\": [\"y\"]}]}"),
                "query [q] lists image [y] as both relevant and junk");
            assertBadRequest(a, "bad", putBody("json", "{\"protocol\": \"trec\", \"queries\": [{\"name\": \"q\"}]}"),
                "unknown protocol [trec]");
            assertBadRequest(a, "bad", "{\"format\": \"json\", \"protocol\": \"trec\", \"data\": {}}", "unknown [protocol] [trec]");
            assertBadRequest(a, "Bad", putBody("json", SMALL_JSON), "[ground_truth_id] must be 1 to 64 characters");
            assertEquals(404, status(failure(a, "GET", "/_retrieval/ground_truth/bad", null)));
        }
    }

    public void testIndexCheckReportsMissingNames() throws Exception {
        assertAcked(prepareCreate("photos").setSettings(Settings.builder().put("index.number_of_shards", 2).put("index.number_of_replicas", 0))
            .setMapping("{\"properties\": {\"name\": {\"type\": \"keyword\"}}}"));
        var bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (String id : List.of("a", "b", "e")) {
            bulk.add(client().prepareIndex("photos").setId(id).setSource("name", "img_" + id));
        }
        var response = bulk.get();
        try {
            assertFalse(response.buildFailureMessage(), response.hasFailures());
        } finally {
            response.decRef();
        }
        try (RestClient a = clientOf(twoNodes()[0])) {
            Map<String, Object> put = call(a, "PUT", "/_retrieval/ground_truth/checked?index=photos", putBody("json", SMALL_JSON));
            assertEquals(Map.of("index", "photos", "checked", 5, "count", 2, "names", List.of("c", "d")), put.get("missing"));

            String byName = "{\"format\": \"json\", \"id_field\": \"name\", \"data\": {\"protocol\": \"holidays\", \"queries\": "
                + "[{\"name\": \"img_q\", \"positive\": [\"img_a\", \"img_z\"], \"junk\": [\"img_e\"]}]}}";
            put = call(a, "PUT", "/_retrieval/ground_truth/checked-by-name?index=photos", byName);
            assertEquals(Map.of("index", "photos", "checked", 3, "count", 1, "names", List.of("img_z")), put.get("missing"));

            assertBadRequest(a, "unchecked", putBody("json", SMALL_JSON), "?index=nope", "unknown [index] [nope]");
            assertEquals(404, status(failure(a, "GET", "/_retrieval/ground_truth/unchecked", null)));
        }
    }

    public void testPathReadsOnlyInsideTheConfigDirectory() throws Exception {
        String node = twoNodes()[0];
        Environment env = internalCluster().getInstance(Environment.class, node);
        Files.createDirectories(env.configDir().resolve("gt"));
        Files.writeString(env.configDir().resolve("gt/small.json"), SMALL_JSON, StandardCharsets.UTF_8);
        try (RestClient a = clientOf(node)) {
            Map<String, Object> put = call(a, "PUT", "/_retrieval/ground_truth/from-file", "{\"format\": \"json\", \"path\": \"gt/small.json\"}");
            assertEquals(Map.of("queries", 2, "database", 5, "classes", 0), put.get("counts"));
            assertEquals(SMALL, fetch(node, "from-file").groundTruth());

            assertBadRequest(a, "escape", "{\"format\": \"json\", \"path\": \"../gt/small.json\"}", "escapes the config directory");
            assertBadRequest(a, "escape", "{\"format\": \"json\", \"path\": \"gt/../../x.json\"}", "escapes the config directory");
            assertBadRequest(a, "escape", "{\"format\": \"json\", \"path\": \"/etc/passwd\"}", "must be relative to the config directory");
            assertBadRequest(a, "escape", "{\"format\": \"json\", \"path\": \"gt/none.json\"}", "does not exist in the config directory");
            assertBadRequest(a, "escape", "{\"format\": \"json\", \"path\": \"gt/small.json\", \"data\": {}}", "not both");
        }
    }

    /** The real Oxford5k pickle, sent inline as base64 through one node, read through the other. */
    public void testCirtorchPickleInline() throws Exception {
        String[] nodes = twoNodes();
        byte[] pickle = groundTruthPickle("oxford5k");
        try (RestClient a = clientOf(nodes[0]); RestClient b = clientOf(nodes[1])) {
            Map<String, Object> put = call(a, "PUT", "/_retrieval/ground_truth/oxford5k",
                putBody("cirtorch_pkl", "\"" + Base64.getEncoder().encodeToString(pickle) + "\""));
            assertEquals(Map.of("queries", 55, "database", 5063, "classes", 0), put.get("counts"));
            assertEquals("oxford_paris", put.get("protocol"));
            NamedGroundTruth read = fetch(nodes[1], "oxford5k").groundTruth();
            assertEquals(CirtorchPickle.parse(pickle, null), read);

            assertBadRequest(a, "broken", putBody("cirtorch_pkl", "\"" + Base64.getEncoder().encodeToString(Arrays.copyOf(pickle, 500)) + "\""),
                "invalid [cirtorch_pkl] ground truth: malformed pickle");
            assertBadRequest(a, "broken", putBody("cirtorch_pkl", "\"***\""), "[data] is not valid base64");
            assertBadRequest(a, "broken", putBody("cirtorch_pkl", "{\"a\": 1}"), "[data] must be a base64 string for format [cirtorch_pkl]");
            assertBadRequest(a, "broken", putBody("revisitop_pkl", "\"" + Base64.getEncoder().encodeToString(pickle) + "\""),
                "invalid [revisitop_pkl] ground truth: [gnd][0] has no [easy]");
        }
    }

    /** Every other format through the endpoint, each with a small case whose counts are known. */
    public void testOtherFormats() throws Exception {
        try (RestClient a = clientOf(twoNodes()[0])) {
            // revisitop structure written by python3 (see RevisitopPickleTest): 4 images, 2 queries.
            String revisited = "gAWVuQAAAAAAAAB9lCiMBmltbGlzdJRdlCiMBGRiX2GUjARkYl9ilIwEZGJfY5SMBGRiX2SUZYwHcWltbGlzdJRdlCiMA3FfMZSMA3FfMpRljANnbmSUXZQofZQojARlYXN5lF2UKEsASwFljARoYXJklF2USwJhjARqdW5rlF2USwNhjANiYniUXZQoRz/4AAAAAAAASwJLCkdANEAAAAAAAGV1fZQoaA5dlGgQXZRLA2FoEl2UKEsASwFlaBROdWV1Lg==";
            assertCounts(a, "revisited", putBody("revisitop_pkl", "\"" + revisited + "\""), "revisited", Map.of("queries", 2, "database", 4, "classes", 0));
            assertEquals(List.of("db_a", "db_b"), fetch(twoNodes()[1], "revisited").groundTruth().queries().get(0).easy());

            assertCounts(a, "oxford-files", putBody("oxford_gt_files", "{\"all_souls_1_query.txt\": \"oxc1_all_souls_000013 1 2 3 4\", "
                + "\"all_souls_1_good.txt\": \"all_souls_000013\\nall_souls_000026\\n\", \"all_souls_1_junk.txt\": \"x\"}"),
                "oxford_paris", Map.of("queries", 1, "classes", 0));
            NamedQuery q = fetch(twoNodes()[1], "oxford-files").groundTruth().queries().get(0);
            assertEquals(new NamedQuery("all_souls_000013", List.of("all_souls_000013", "all_souls_000026"), List.of(), List.of(), List.of("x"),
                new BoundingBox(1, 2, 3, 4)), q);

            assertCounts(a, "gpr", putBody("gpr1200", "[\"1_a\", \"1_b\", \"2_c\"]"), "gpr1200", Map.of("queries", 3, "database", 3, "classes", 2));
            assertCounts(a, "ukb", putBody("ukbench", "\"u0\\nu1\\nu2\\nu3\\nu4\\nu5\\nu6\\nu7\\n\""), "ukbench",
                Map.of("queries", 8, "database", 8, "classes", 2));
            assertCounts(a, "hol", putBody("holidays", "[\"100000.jpg\", \"100001.jpg\", \"100100.jpg\"]"), "holidays",
                Map.of("queries", 2, "database", 3, "classes", 0));
            assertCounts(a, "gld", putBody("gldv2_csv", "\"id,images,Usage\\nq1,a b,Public\\nq2,None,Ignored\\nq3,c,Private\\n\""), "gldv2",
                Map.of("queries", 2, "classes", 0));
            // The format's protocol can be overridden.
            assertCounts(a, "instre", "{\"format\": \"oxford_gt_files\", \"protocol\": \"instre\", \"data\": {\"o_1_query.txt\": \"x 1 2 3 4\"}}",
                "instre", Map.of("queries", 1, "classes", 0));

            assertBadRequest(a, "bad", putBody("gpr1200", "{}"), "[data] must be an array of image names or a string");
            assertBadRequest(a, "bad", putBody("gpr1200", "[\"noclass\"]"), "invalid [gpr1200] ground truth: id [noclass]");
            assertBadRequest(a, "bad", putBody("ukbench", "[\"a\", \"b\", \"c\"]"), "groups of 4, but 3 names");
            assertBadRequest(a, "bad", putBody("gldv2_csv", "\"id,images\\nq,a\\n\""), "has no column [Usage]");
            assertBadRequest(a, "bad", putBody("gldv2_csv", "[]"), "[data] must be a string");
            assertBadRequest(a, "bad", putBody("oxford_gt_files", "{\"readme.txt\": \"x\"}"), "is not named {query}_good|ok|junk|query.txt");
            assertBadRequest(a, "bad", putBody("oxford_gt_files", "[]"), "[data] must be an object of file name to text");
        }
    }

    /** Paths for the binary and directory formats. */
    public void testPathFormats() throws Exception {
        String node = twoNodes()[0];
        Environment env = internalCluster().getInstance(Environment.class, node);
        Path dir = env.configDir().resolve("gt-files");
        Files.createDirectories(dir);
        Files.write(env.configDir().resolve("gnd_paris6k.pkl"), groundTruthPickle("paris6k"));
        Files.writeString(dir.resolve("defense_1_query.txt"), "paris_defense_000605 1 2 3 4\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("defense_1_ok.txt"), "paris_defense_000605\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("README"), "not a ground-truth file", StandardCharsets.UTF_8);
        Files.writeString(env.configDir().resolve("names.txt"), "1_a\n1_b\n", StandardCharsets.UTF_8);
        try (RestClient a = clientOf(node)) {
            assertCounts(a, "paris6k", "{\"format\": \"cirtorch_pkl\", \"path\": \"gnd_paris6k.pkl\"}", "oxford_paris",
                Map.of("queries", 55, "database", 6392, "classes", 0));
            assertCounts(a, "paris-files", "{\"format\": \"oxford_gt_files\", \"path\": \"gt-files\"}", "oxford_paris",
                Map.of("queries", 1, "classes", 0));
            assertCounts(a, "names", "{\"format\": \"gpr1200\", \"path\": \"names.txt\"}", "gpr1200",
                Map.of("queries", 2, "database", 2, "classes", 1));
            assertBadRequest(a, "bad", "{\"format\": \"oxford_gt_files\", \"path\": \"names.txt\"}", "must be a directory");
            assertBadRequest(a, "bad", "{\"format\": \"cirtorch_pkl\", \"path\": \"gt-files\"}", "is not a regular file");
        }
    }

    private static void assertCounts(RestClient client, String id, String body, String protocol, Map<String, Object> counts) throws Exception {
        Map<String, Object> put = call(client, "PUT", "/_retrieval/ground_truth/" + id, body);
        assertEquals(protocol, put.get("protocol"));
        assertEquals(counts, put.get("counts"));
    }

    /** {@code gnd_{name}.pkl} of the repository's testdata/groundtruth, from the test classpath. */
    public static byte[] groundTruthPickle(String name) throws IOException {
        try (InputStream in = GroundTruthStoreIT.class.getResourceAsStream("/groundtruth/gnd_" + name + ".pkl")) {
            assertNotNull("gnd_" + name + ".pkl not on the test classpath", in);
            return in.readAllBytes();
        }
    }

    private static void assertBadRequest(RestClient client, String id, String body, String expected) {
        assertBadRequest(client, id, body, "", expected);
    }

    private static void assertBadRequest(RestClient client, String id, String body, String query, String expected) {
        ResponseException e = failure(client, "PUT", "/_retrieval/ground_truth/" + id + query, body);
        assertEquals(reason(e), 400, status(e));
        assertThat(reason(e), containsString(expected));
    }
}
