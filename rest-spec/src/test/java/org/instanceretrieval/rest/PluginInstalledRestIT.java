package org.instanceretrieval.rest;

import org.elasticsearch.client.Request;
import org.elasticsearch.test.rest.ESRestTestCase;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipFile;

/**
 * The freshly built zip as a user installs it: in the real 8.19.21 distribution, under
 * entitlements, started by the build (see scripts/node.sh).
 */
public class PluginInstalledRestIT extends ESRestTestCase {

    public void testNodeListsThePluginInCatPlugins() throws IOException {
        Request request = new Request("GET", "/_cat/plugins");
        request.addParameter("format", "json");
        List<Object> rows = entityAsList(client().performRequest(request));
        assertEquals(1, rows.size());
        Map<?, ?> row = (Map<?, ?>) rows.get(0);
        assertEquals("instance-retrieval", row.get("component"));
        assertEquals(System.getProperty("tests.plugin.version"), row.get("version"));
    }

    public void testNodeIsTheRealDistributionOfTheTargetVersion() throws IOException {
        Map<String, Object> info = entityAsMap(client().performRequest(new Request("GET", "/_nodes/plugins")));
        Map<?, ?> nodes = (Map<?, ?>) info.get("nodes");
        Map<?, ?> node = (Map<?, ?>) nodes.values().iterator().next();
        assertEquals("8.19.21", node.get("version"));
        Map<?, ?> plugin = (Map<?, ?>) ((List<?>) node.get("plugins")).get(0);
        assertEquals("8.19.21", plugin.get("elasticsearch_version"));
        assertEquals("org.instanceretrieval.es.InstanceRetrievalPlugin", plugin.get("classname"));
    }

    /**
     * The zip holds the descriptor, the policy and our runtime jars: nothing Elasticsearch provides. The
     * ONNX Runtime jar is {@code onnxruntime} in the default build and {@code onnxruntime_gpu} (CUDA
     * execution provider) under {@code -Pgpu}; the build passes the artifact it packaged.
     */
    public void testZipHoldsOnlyOurJarsAndRuntimeDependencies() throws IOException {
        Path zip = Path.of(System.getProperty("tests.plugin.zip"));
        TreeSet<String> entries = new TreeSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream().forEach(e -> entries.add(e.getName().replaceAll("-[0-9][0-9.]*(-SNAPSHOT)?\\.jar$", ".jar")));
        }
        assertEquals(
            new TreeSet<>(List.of(
                "plugin-descriptor.properties", "entitlement-policy.yaml",
                "es-plugin.jar", "lucene-ext.jar", "model-store.jar", "ejml-core.jar", "ejml-ddense.jar",
                onnxRuntimeJar(), "protobuf-java.jar", "pickle.jar")),
            entries
        );
    }

    private static String onnxRuntimeJar() {
        String artifact = System.getProperty("tests.onnxruntime.artifact", "onnxruntime");
        assertTrue("unexpected ONNX Runtime artifact [" + artifact + "]", List.of("onnxruntime", "onnxruntime_gpu").contains(artifact));
        return artifact + ".jar";
    }

    @Override
    protected boolean preserveClusterUponCompletion() {
        return false;
    }
}
