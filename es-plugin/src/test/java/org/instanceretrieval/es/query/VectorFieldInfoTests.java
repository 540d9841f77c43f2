package org.instanceretrieval.es.query;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.test.ESTestCase;

import java.util.List;

import static org.hamcrest.Matchers.containsString;

/** The coordinating node's reading of a dense_vector field from index mappings. */
public class VectorFieldInfoTests extends ESTestCase {

    private static IndexMetadata index(String name, String properties) {
        return IndexMetadata.builder(name)
            .settings(indexSettings(IndexVersion.current(), 1, 0))
            .putMapping("{\"_doc\": {\"properties\": " + properties + "}}")
            .build();
    }

    private static final String MAPPING = "{\"tag\": {\"type\": \"keyword\"}, \"b\": {\"type\": \"dense_vector\", \"dims\": 2, "
        + "\"element_type\": \"byte\"}, \"obj\": {\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 3, "
        + "\"similarity\": \"dot_product\"}}}, \"c\": {\"type\": \"dense_vector\", \"dims\": 4}}";

    public void testNestedObjectPathAndDefaultSimilarity() {
        assertEquals(new VectorFieldInfo("obj.v", 3, "float", "dot_product", null), VectorFieldInfo.of("diffusion", "obj.v", List.of(index("a", MAPPING))));
        assertEquals(new VectorFieldInfo("c", 4, "float", "cosine", null), VectorFieldInfo.of("diffusion", "c", List.of(index("a", MAPPING))));
    }

    public void testErrorsNameTheProblem() {
        List<IndexMetadata> one = List.of(index("a", MAPPING));
        assertThat(expectThrows(IllegalArgumentException.class, () -> VectorFieldInfo.of("diffusion", "nope", one)).getMessage(),
            containsString("[diffusion] field [nope] does not exist in the mapping of index [a]"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> VectorFieldInfo.of("diffusion", "tag", one)).getMessage(),
            containsString("[diffusion] field [tag] is of type [keyword], not [dense_vector]"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> VectorFieldInfo.of("diffusion", "b", one)).getMessage(),
            containsString("[diffusion] needs float vectors but field [b] holds [byte] vectors"));
        List<IndexMetadata> two = List.of(index("a", MAPPING), index("b", "{\"c\": {\"type\": \"dense_vector\", \"dims\": 5}}"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> VectorFieldInfo.of("diffusion", "c", two)).getMessage(),
            containsString("has different dims or similarity in the indices searched"));
    }
}
