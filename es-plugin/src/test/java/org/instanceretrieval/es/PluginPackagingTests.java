package org.instanceretrieval.es;

import org.elasticsearch.Build;
import org.elasticsearch.entitlement.runtime.policy.Policy;
import org.elasticsearch.entitlement.runtime.policy.PolicyParser;
import org.elasticsearch.entitlement.runtime.policy.Scope;
import org.elasticsearch.entitlement.runtime.policy.entitlements.LoadNativeLibrariesEntitlement;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginDescriptor;
import org.elasticsearch.test.ESTestCase;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the descriptor and the entitlement policy that go into the zip with Elasticsearch's
 * own parsers, so a malformed file fails here rather than at install time.
 */
public class PluginPackagingTests extends ESTestCase {

    private static Path metadataDir() {
        return Path.of(System.getProperty("tests.plugin.metadata.dir"));
    }

    public void testDescriptorTargetsThisElasticsearchAndNamesThePluginClass() throws Exception {
        PluginDescriptor descriptor = PluginDescriptor.readFromProperties(metadataDir());
        assertEquals("instance-retrieval", descriptor.getName());
        assertEquals(Build.current().version(), descriptor.getElasticsearchVersion().toString());
        assertEquals("17", descriptor.getJavaVersion());
        assertFalse(descriptor.hasNativeController());
        assertTrue(descriptor.getExtendedPlugins().isEmpty());
        Class<?> pluginClass = Class.forName(descriptor.getClassname());
        assertTrue(Plugin.class.isAssignableFrom(pluginClass));
    }

    public void testEntitlementPolicyParsesAndGrantsOnlyTheUnnamedModule() throws Exception {
        Policy policy;
        try (InputStream in = Files.newInputStream(metadataDir().resolve("entitlement-policy.yaml"))) {
            policy = new PolicyParser(in, "instance-retrieval", false).parsePolicy();
        }
        assertEquals(1, policy.scopes().size());
        Scope scope = policy.scopes().get(0);
        assertEquals("ALL-UNNAMED", scope.moduleName());
        // Least privilege: exactly one grant, justified in the policy file: ONNX Runtime loads its native library.
        assertEquals(List.of(new LoadNativeLibrariesEntitlement()), scope.entitlements());
    }
}
