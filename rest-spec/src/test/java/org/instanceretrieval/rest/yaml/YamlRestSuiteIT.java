package org.instanceretrieval.rest.yaml;

import com.carrotsearch.randomizedtesting.annotations.Name;
import com.carrotsearch.randomizedtesting.annotations.ParametersFactory;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.elasticsearch.test.rest.ESRestTestCase;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every YAML REST test under {@code rest-spec/test/} against the real node started by the
 * build, with the API specs of {@code rest-spec/api/} (ours) and the few core Elasticsearch
 * APIs the tests use ({@code src/test/resources/core-api-spec/}). One test per section;
 * each file's {@code setup} runs before and {@code teardown} after each of its sections, and
 * {@link ESRestTestCase} wipes the cluster between tests.
 */
public class YamlRestSuiteIT extends ESRestTestCase {

    /** One section together with the file that holds its setup and teardown. */
    public record Case(YamlTestFile file, YamlTestFile.Section section) {
        @Override
        public String toString() {
            return section.toString();
        }
    }

    private static final Map<String, ApiSpec> SPECS = loadSpecs();

    private final Case testCase;

    public YamlRestSuiteIT(@Name("yaml") Case testCase) {
        this.testCase = testCase;
    }

    @ParametersFactory(argumentFormatting = "%s")
    public static Iterable<Object[]> parameters() throws Exception {
        Path root = resourceDir("/rest-api-spec/test");
        List<Object[]> cases = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
                YamlTestFile parsed = YamlTestFile.parse(file, root.relativize(file).toString());
                for (YamlTestFile.Section section : parsed.tests()) {
                    cases.add(new Object[] { new Case(parsed, section) });
                }
            }
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("no YAML REST tests found under " + root);
        }
        return cases;
    }

    /** The test run before this one, recorded to name it when it left memory charged. */
    private static String previous = "(none)";

    public void test() throws Exception {
        assertRetrievalBreakerEmpty();
        previous = testCase.toString();
        YamlStepRunner runner = new YamlStepRunner(client(), SPECS);
        runner.run(testCase.file().setup());
        try {
            runner.run(testCase.section().steps());
        } finally {
            runner.run(testCase.file().teardown());
        }
    }

    /**
     * Every YAML test's indices are deleted after it, so every cache charged to the {@code retrieval} breaker (stored graphs,
     * segment ids) is dropped with them: the breaker must be back at 0 before the next test (checked for up to 10 s, as index
     * deletion closes readers asynchronously).
     */
    /** The same check after the last test (and its cleanup). */
    @org.junit.AfterClass
    public static void retrievalBreakerEmptyAfterTheLastTest() throws Exception {
        assertRetrievalBreakerEmpty();
    }

    @SuppressWarnings("unchecked")
    private static void assertRetrievalBreakerEmpty() throws Exception {
        assertBusy(() -> {
            Map<String, Object> stats = entityAsMap(client().performRequest(new org.elasticsearch.client.Request("GET", "/_nodes/stats/breaker")));
            Map<String, Object> node = (Map<String, Object>) ((Map<String, Object>) stats.get("nodes")).values().iterator().next();
            Map<String, Object> retrieval = (Map<String, Object>) ((Map<String, Object>) node.get("breakers")).get("retrieval");
            assertEquals("the retrieval breaker after [" + previous + "]", 0L, ((Number) retrieval.get("estimated_size_in_bytes")).longValue());
        }, 10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Our API specs and the core ones the tests call, by API name. */
    static Map<String, ApiSpec> loadSpecs() {
        ObjectMapper json = new ObjectMapper();
        Map<String, ApiSpec> specs = new HashMap<>();
        for (String dir : List.of("/core-api-spec", "/rest-api-spec/api")) {
            Path path;
            try {
                path = resourceDir(dir);
            } catch (IllegalStateException missing) {
                continue; // no API of ours yet
            }
            try (Stream<Path> files = Files.list(path)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        ApiSpec spec = ApiSpec.parse(in, json);
                        if (specs.put(spec.name, spec) != null) {
                            throw new IllegalStateException("two specs define the API [" + spec.name + "]");
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return specs;
    }

    private static Path resourceDir(String name) {
        URL url = YamlRestSuiteIT.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource directory " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
