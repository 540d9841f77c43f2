package org.instanceretrieval.es.store;

import org.elasticsearch.test.ESTestCase;

public class ModelIdsTests extends ESTestCase {

    public void testAcceptsLowercaseLettersDigitsDashAndUnderscoreUpTo64() {
        for (String id : new String[] { "a", "0", "-", "_", "resnet-101_gem", "default", "a".repeat(64) }) {
            assertTrue(id, ModelIds.isValid(id));
            assertEquals(id, ModelIds.validate("model_id", id));
        }
    }

    public void testRefusesEverythingElseNamingTheField() {
        for (String id : new String[] { "", "a".repeat(65), "ResNet", "a.b", "a b", "a#b", "a/b", "caf\u00e9", "a*", null }) {
            assertFalse(String.valueOf(id), ModelIds.isValid(id));
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> ModelIds.validate("model_id", id));
            assertTrue(e.getMessage(), e.getMessage().startsWith("[model_id] must be 1 to 64 characters"));
        }
    }
}
