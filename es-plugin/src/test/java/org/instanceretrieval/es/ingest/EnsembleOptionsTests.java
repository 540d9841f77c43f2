package org.instanceretrieval.es.ingest;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.es.whitening.WhiteningStore;
import org.instanceretrieval.model.descriptor.PoolingSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code models} option of {@code image_descriptor}: parsed, normalised, and every bad ensemble refused with a 400 naming the rule. */
public class EnsembleOptionsTests extends ESTestCase {

    private static ImageDescriptorProcessorFactory factory(WhiteningStore whitenings) {
        return new ImageDescriptorProcessorFactory(new ImageDescriptorProcessorFactory.Services(() -> null, () -> null, () -> whitenings,
            new ThreadContext(Settings.EMPTY)));
    }

    private static ImageDescriptorProcessor create(ImageDescriptorProcessorFactory factory, Map<String, Object> options) throws Exception {
        Map<String, Object> config = new HashMap<>(options);
        config.put("field", "img");
        config.put("target_field", "v");
        Map<String, Processor.Factory> registry = Map.of(ImageDescriptorProcessor.TYPE, factory);
        return (ImageDescriptorProcessor) ConfigurationUtils.readProcessor(registry, null, ImageDescriptorProcessor.TYPE, config);
    }

    private static String refused(Map<String, Object> options) {
        ElasticsearchException e = expectThrows(ElasticsearchException.class, () -> create(factory(null), options));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        return e.getMessage();
    }

    private static final Map<String, Object> A = Map.of("model_id", "default", "pooling", Map.of("type", "gem", "p", 4), "scales", List.of(1));
    private static final Map<String, Object> B = Map.of("model_id", "r101", "size", Map.of("longest_side", 512), "weight", 0.5);

    public void testMembersAreParsedInOrderWithTheirOverridesAndWeights() throws Exception {
        ImageDescriptorProcessor p = create(factory(null), Map.of("models", List.of(A, B)));
        assertNull(p.modelId());
        List<EnsembleJson.Member> members = p.ensemble().members();
        assertEquals(2, members.size());
        assertEquals("default", members.get(0).modelId());
        assertEquals(PoolingSpec.gem(4), members.get(0).overrides().pooling());
        assertEquals(1.0, members.get(0).weight(), 0);
        assertEquals("r101", members.get(1).modelId());
        assertEquals(0.5, members.get(1).weight(), 0);
        assertEquals(List.of(
            Map.of("model_id", "default", "pooling", Map.of("type", "gem", "p", 4.0), "scales", List.of(1.0), "weight", 1.0),
            Map.of("model_id", "r101", "size", Map.of("longest_side", 512), "weight", 0.5)), p.ensemble().toList());
        // the normalised form parses back to an equal ensemble
        assertEquals(p.ensemble(), EnsembleJson.parse(p.ensemble().toList()));
        // a single-model processor has no ensemble
        assertNull(create(factory(null), Map.of()).ensemble());
    }

    public void testTheEnsembleWhiteningIsTheTopLevelWhiteningId() throws Exception {
        WhiteningStore store = (id, listener) -> listener.onFailure(new IllegalStateException("not called at creation"));
        ImageDescriptorProcessor p = create(factory(store), Map.of("models", List.of(A, B), "whitening_id", "ens-lw"));
        assertEquals("ens-lw", p.overrides().whiteningId());
        ElasticsearchStatusException e = expectThrows(ElasticsearchStatusException.class,
            () -> create(factory(null), Map.of("models", List.of(A, B), "whitening_id", "ens-lw")));
        assertEquals("whitening store not available: cannot apply [whitening_id] [ens-lw] on this node", e.getMessage());
        Map<String, Object> whitened = Map.of("model_id", "r101", "whitening_id", "r101-lw");
        e = expectThrows(ElasticsearchStatusException.class, () -> create(factory(null), Map.of("models", List.of(A, whitened))));
        assertEquals("whitening store not available: cannot apply [whitening_id] [r101-lw] on this node", e.getMessage());
    }

    public void testBadEnsemblesAreRefused() {
        assertEquals("[models] and [model_id] cannot both be given: use [model_id] for one model or [models] for an ensemble, got model_id "
            + "[default]", refused(Map.of("model_id", "default", "models", List.of(A, B))));
        assertEquals("[models] must hold 2 to 8 members but holds [1]; use [model_id] for a single model",
            refused(Map.of("models", List.of(A))));
        assertEquals("[models] must hold 2 to 8 members but holds [9]; use [model_id] for a single model",
            refused(Map.of("models", java.util.Collections.nCopies(9, A))));
        assertEquals("[models] must be a list of objects {\"model_id\": ..., \"weight\": ...}, got default",
            refused(Map.of("models", "default")));
        assertEquals("[models.1] must be an object {\"model_id\": ..., \"weight\": ...}, got r101", refused(Map.of("models", List.of(A, "r101"))));
        assertEquals("[models.1.model_id] is required", refused(Map.of("models", List.of(A, Map.of("weight", 2)))));
        assertEquals("[models.1.model_id] must be 1 to 64 characters of lowercase letters, digits, '-' and '_', got [R 101]",
            refused(Map.of("models", List.of(A, Map.of("model_id", "R 101")))));
        assertEquals("[models.1.weight] must be a finite number > 0, got [0]",
            refused(Map.of("models", List.of(A, Map.of("model_id", "r101", "weight", 0)))));
        assertEquals("[models.1.weight] must be a finite number > 0, got [big]",
            refused(Map.of("models", List.of(A, Map.of("model_id", "r101", "weight", "big")))));
        assertEquals("[models.0.pooling.p] must be between 1 and 100 but was [0.0]",
            refused(Map.of("models", List.of(Map.of("model_id", "default", "pooling", Map.of("type", "gem", "p", 0)), B))));
        assertEquals("unknown field [models.0.patches], expected one of [model_id, pooling, scales, size, weight, whitening_id]",
            refused(Map.of("models", List.of(Map.of("model_id", "default", "patches", 1), B))));
        for (String option : List.of("pooling", "scales", "size")) {
            Object value = option.equals("pooling") ? Map.of("type", "mac") : option.equals("scales") ? List.of(1) : Map.of("longest_side", 9);
            assertEquals("[" + option + "] cannot be used with [models]: give it per member, as [models.N." + option + "]",
                refused(Map.of("models", List.of(A, B), option, value)));
        }
        assertEquals("[patches] cannot be used with [models]: an ensemble describes whole images only",
            refused(Map.of("models", List.of(A, B), "patches", 1)));
    }
}
