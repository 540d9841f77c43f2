package org.instanceretrieval.es.ingest;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.ElasticsearchParseException;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.model.descriptor.PoolingSpec;
import org.instanceretrieval.model.inference.Device;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

public class ImageDescriptorProcessorFactoryTests extends ESTestCase {

    private static ImageDescriptorProcessorFactory factory(WhiteningStore whitenings) {
        return new ImageDescriptorProcessorFactory(new ImageDescriptorProcessorFactory.Services(() -> null, () -> null, () -> whitenings,
            new ThreadContext(Settings.EMPTY)));
    }

    private static ImageDescriptorProcessor create(Map<String, Object> config) throws Exception {
        return create(factory(null), config);
    }

    /** Through the framework's reader, which also refuses leftover (unknown) options. */
    private static ImageDescriptorProcessor create(ImageDescriptorProcessorFactory factory, Map<String, Object> config) throws Exception {
        Map<String, Processor.Factory> registry = Map.of(ImageDescriptorProcessor.TYPE, factory);
        return (ImageDescriptorProcessor) ConfigurationUtils.readProcessor(registry, null, ImageDescriptorProcessor.TYPE, new HashMap<>(config));
    }

    public void testDefaults() throws Exception {
        ImageDescriptorProcessor p = create(Map.of("field", "image", "target_field", "descriptor"));
        assertEquals("image", p.field());
        assertEquals("descriptor", p.targetField());
        assertEquals("default", p.modelId());
        assertEquals("descriptor_patches", p.patchesField());
        assertNull(p.bboxField());
        assertNull(p.device());
        assertFalse(p.ignoreMissing());
        assertTrue(p.isAsync());
        assertEquals(Map.of(), p.overrides().toMap());
    }

    public void testEveryOption() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("field", "img");
        config.put("target_field", "v");
        config.put("model_id", "r101");
        config.put("pooling", Map.of("type", "rmac", "levels", 2));
        config.put("scales", List.of(1, 0.5));
        config.put("size", Map.of("longest_side", 512));
        config.put("patches", 3);
        config.put("patches_field", "v_parts");
        config.put("bbox_field", "box");
        config.put("device", "cpu");
        config.put("ignore_missing", true);
        config.put("tag", "t1");
        config.put("description", "describe");
        ImageDescriptorProcessor p = create(config);
        assertEquals("r101", p.modelId());
        assertEquals(PoolingSpec.rmac(2, true), p.overrides().pooling());
        assertEquals(Integer.valueOf(3), p.overrides().patches());
        assertEquals("v_parts", p.patchesField());
        assertEquals("box", p.bboxField());
        assertEquals(Device.CPU, p.device());
        assertTrue(p.ignoreMissing());
        assertEquals("t1", p.getTag());
        assertEquals("describe", p.getDescription());
        assertEquals(Map.of("pooling", Map.of("type", "rmac", "levels", 2), "scales", List.of(1.0, 0.5), "size", Map.of("longest_side", 512),
            "patches", 3), p.overrides().toMap());
    }

    private static String refused(Map<String, Object> config) {
        ElasticsearchException e = expectThrows(ElasticsearchException.class, () -> create(config));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        return e.getMessage();
    }

    public void testBadOptionsAreRefusedAtCreation() {
        assertEquals("[field] required property is missing", refused(Map.of("target_field", "v")));
        assertEquals("[target_field] required property is missing", refused(Map.of("field", "img")));
        assertThat(refused(Map.of("field", "img", "target_field", "v", "polling", Map.of())), containsString("polling"));
        assertEquals("[pooling.p] must be between 1 and 100 but was [0.0]",
            refused(Map.of("field", "img", "target_field", "v", "pooling", Map.of("type", "gem", "p", 0))));
        assertEquals("[pooling.type] must be one of [none, mac, spoc, gem, rmac, grid], got [max]",
            refused(Map.of("field", "img", "target_field", "v", "pooling", Map.of("type", "max"))));
        assertEquals("[scales] values must be in (0, 2.0] but got [4.0]", refused(Map.of("field", "img", "target_field", "v", "scales", List.of(4))));
        assertEquals("[patches] levels must be between 0 and 4 but was [5]", refused(Map.of("field", "img", "target_field", "v", "patches", 5)));
        assertEquals("[size] needs exactly one of [fixed] or [longest_side]", refused(Map.of("field", "img", "target_field", "v", "size", Map.of())));
        assertEquals("unknown [device] [gpu], expected one of [auto, cpu, cuda]",
            refused(Map.of("field", "img", "target_field", "v", "device", "gpu")));
        assertEquals("[model_id] must be 1 to 64 characters of lowercase letters, digits, '-' and '_', got [My Model]",
            refused(Map.of("field", "img", "target_field", "v", "model_id", "My Model")));
        assertEquals("[patches_field] is only used with [patches] levels 1 to 4",
            refused(Map.of("field", "img", "target_field", "v", "patches_field", "p")));
        assertEquals("[patches_field] must differ from [target_field], got [v]",
            refused(Map.of("field", "img", "target_field", "v", "patches", 1, "patches_field", "v")));
    }

    public void testBadOptionsCarryTheProcessorTypeAndTag() {
        ElasticsearchParseException e = expectThrows(ElasticsearchParseException.class,
            () -> create(Map.of("field", "img", "target_field", "v", "tag", "mine", "pooling", Map.of("type", "gem", "p", 200))));
        assertEquals(List.of(ImageDescriptorProcessor.TYPE), e.getMetadata("es.processor_type"));
        assertEquals(List.of("mine"), e.getMetadata("es.processor_tag"));
    }

    public void testWhiteningNeedsAStore() throws Exception {
        ElasticsearchStatusException e = expectThrows(ElasticsearchStatusException.class,
            () -> create(Map.of("field", "img", "target_field", "v", "whitening_id", "lw")));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertEquals("whitening store not available: cannot apply [whitening_id] [lw] on this node", e.getMessage());
        WhiteningStore store = (id, listener) -> listener.onFailure(new IllegalStateException("not called at creation"));
        assertEquals("lw", create(factory(store), Map.of("field", "img", "target_field", "v", "whitening_id", "lw")).overrides().whiteningId());
    }
}
