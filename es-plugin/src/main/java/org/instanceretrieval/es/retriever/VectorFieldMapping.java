package org.instanceretrieval.es.retriever;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;

import java.util.Collection;
import java.util.Map;

/**
 * A {@code dense_vector} field as the cluster's index mappings declare it, read on the
 * coordinating node (where no shard-level mapping lookup exists): dims and similarity, the
 * same in every index searched. Immutable.
 */
record VectorFieldMapping(String field, int dims, String similarity) {

    /**
     * Looks {@code field} (dotted path through object properties) up in every index's mapping.
     *
     * @throws IllegalArgumentException if an index does not map the field, maps it with another
     *     type, with byte or bit elements, or the indices disagree on its dims
     */
    static VectorFieldMapping of(String owner, String field, Collection<IndexMetadata> indices) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("[" + owner + "] found no index to read field [" + field + "] from");
        }
        VectorFieldMapping found = null;
        for (IndexMetadata index : indices) {
            Map<String, Object> properties = properties(index.mapping());
            Map<String, Object> definition = lookup(properties, field);
            String indexName = index.getIndex().getName();
            if (definition == null) {
                throw new IllegalArgumentException("[" + owner + "] field [" + field + "] does not exist in the mapping of index ["
                    + indexName + "]");
            }
            Object type = definition.getOrDefault("type", "object");
            if ("dense_vector".equals(type) == false) {
                throw new IllegalArgumentException("[" + owner + "] field [" + field + "] is of type [" + type + "], not [dense_vector]");
            }
            Object elementType = definition.getOrDefault("element_type", "float");
            if ("float".equals(elementType) == false) {
                throw new IllegalArgumentException("[" + owner + "] needs float vectors but field [" + field + "] holds [" + elementType
                    + "] vectors");
            }
            Object dims = definition.get("dims");
            if (dims instanceof Number == false) {
                throw new IllegalArgumentException("[" + owner + "] field [" + field + "] of index [" + indexName + "] has no vectors yet");
            }
            String similarity = String.valueOf(definition.getOrDefault("similarity", "cosine"));
            VectorFieldMapping mapping = new VectorFieldMapping(field, ((Number) dims).intValue(), similarity);
            if (found != null && found.equals(mapping) == false) {
                throw new IllegalArgumentException("[" + owner + "] field [" + field + "] has different dims or similarity in the indices "
                    + "searched: " + found + " and " + mapping);
            }
            found = mapping;
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(MappingMetadata mapping) {
        if (mapping == null) {
            return Map.of();
        }
        Object properties = mapping.sourceAsMap().get("properties");
        return properties instanceof Map ? (Map<String, Object>) properties : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lookup(Map<String, Object> properties, String path) {
        Object direct = properties.get(path);
        if (direct instanceof Map) {
            return (Map<String, Object>) direct;
        }
        int dot = path.indexOf('.');
        while (dot > 0) {
            Object parent = properties.get(path.substring(0, dot));
            if (parent instanceof Map<?, ?> object && object.get("properties") instanceof Map<?, ?> children) {
                Map<String, Object> found = lookup((Map<String, Object>) children, path.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
            dot = path.indexOf('.', dot + 1);
        }
        return null;
    }
}
