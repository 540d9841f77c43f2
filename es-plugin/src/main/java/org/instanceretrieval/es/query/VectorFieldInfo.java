package org.instanceretrieval.es.query;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.Mapper;
import org.elasticsearch.index.mapper.vectors.DenseVectorFieldMapper;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code dense_vector} field's mapping as the plugin's searches need it: dimensions, element
 * type, similarity and index type. The one reader of that mapping, on a shard
 * ({@link #of(SearchExecutionContext, String, String)}, from the field mapper's own x-content with
 * defaults, since the field type keeps these accessors package-private) and on the coordinating
 * node ({@link #of(String, String, Collection)}, from the index metadata's mappings), and for the
 * jobs from one mapping definition ({@link #fromDefinition}). Errors are
 * {@link IllegalArgumentException}s (HTTP 400) prefixed with the caller's name. Immutable.
 *
 * @param field       the field's path
 * @param dims        number of dimensions, or null before the first vector is indexed
 * @param elementType {@code float}, {@code byte} or {@code bit}
 * @param similarity  {@code cosine}, {@code dot_product}, {@code l2_norm} or {@code max_inner_product}
 * @param indexType   the {@code index_options} type ({@code hnsw}, {@code int8_hnsw}, {@code flat}, ...), or null when not indexed
 */
public record VectorFieldInfo(String field, Integer dims, String elementType, String similarity, String indexType) {

    /**
     * The field on one shard.
     *
     * @throws IllegalArgumentException if the field is not mapped on this shard or is not a {@code dense_vector}
     */
    public static VectorFieldInfo of(SearchExecutionContext context, String owner, String field) {
        MappedFieldType type = context.getFieldType(field);
        if (type == null) {
            throw notMapped(owner, field, context.index().getName());
        }
        if (type instanceof DenseVectorFieldMapper.DenseVectorFieldType == false) {
            throw notDenseVector(owner, field, type.typeName());
        }
        Mapper mapper = context.getMappingLookup().getMapper(field);
        try (XContentBuilder builder = JsonXContent.contentBuilder()) {
            builder.startObject();
            mapper.toXContent(builder, new ToXContent.MapParams(Map.of("include_defaults", "true")));
            builder.endObject();
            Object own = XContentHelper.convertToMap(BytesReference.bytes(builder), false, builder.contentType()).v2().get(mapper.leafName());
            return fromDefinition(field, (Map<?, ?>) own);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The field as every index searched maps it ({@code field} a dotted path through object
     * properties), for callers that read float vectors.
     *
     * @throws IllegalArgumentException if there is no index, an index does not map the field, maps
     *     it with another type, with byte or bit elements or without dims yet, or the indices
     *     disagree on its dims or similarity
     */
    public static VectorFieldInfo of(String owner, String field, Collection<IndexMetadata> indices) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("[" + owner + "] found no index to read field [" + field + "] from");
        }
        VectorFieldInfo found = null;
        for (IndexMetadata index : indices) {
            String indexName = index.getIndex().getName();
            Map<?, ?> definition = lookup(properties(index.mapping()), field);
            if (definition == null) {
                throw notMapped(owner, field, indexName);
            }
            Object type = definition.get("type") == null ? "object" : definition.get("type");
            if ("dense_vector".equals(type) == false) {
                throw notDenseVector(owner, field, type.toString());
            }
            VectorFieldInfo info = fromDefinition(field, definition);
            if (info.isFloat() == false) {
                throw new IllegalArgumentException("[" + owner + "] needs float vectors but field [" + field + "] holds [" + info.elementType
                    + "] vectors");
            }
            if (info.dims == null) {
                throw new IllegalArgumentException("[" + owner + "] field [" + field + "] of index [" + indexName + "] has no vectors yet");
            }
            if (found != null && (found.dims.equals(info.dims) == false || found.similarity.equals(info.similarity) == false)) {
                throw new IllegalArgumentException("[" + owner + "] field [" + field + "] has different dims or similarity in the indices "
                    + "searched: " + found + " and " + info);
            }
            found = info;
        }
        return found;
    }

    /**
     * The field as one mapping definition states it (the map under the field's name, e.g. from the
     * get-field-mapping API), with Elasticsearch's defaults for what it leaves out. The caller has
     * checked that its {@code type} is {@code dense_vector}.
     */
    public static VectorFieldInfo fromDefinition(String field, Map<?, ?> definition) {
        Object dims = definition.get("dims");
        Object elementType = definition.get("element_type");
        Object similarity = definition.get("similarity");
        Object indexType = definition.get("index_options") instanceof Map<?, ?> options ? options.get("type") : null;
        return new VectorFieldInfo(field, dims instanceof Number n ? n.intValue() : null,
            elementType == null ? "float" : elementType.toString().toLowerCase(Locale.ROOT),
            similarity == null ? "cosine" : similarity.toString().toLowerCase(Locale.ROOT),
            indexType == null ? null : indexType.toString());
    }

    private static IllegalArgumentException notMapped(String owner, String field, String index) {
        return new IllegalArgumentException("[" + owner + "] field [" + field + "] does not exist in the mapping of index [" + index + "]");
    }

    private static IllegalArgumentException notDenseVector(String owner, String field, String type) {
        return new IllegalArgumentException("[" + owner + "] field [" + field + "] is of type [" + type + "], not [dense_vector]");
    }

    public boolean isFloat() {
        return "float".equals(elementType);
    }

    /** @throws IllegalArgumentException if the field has no dims yet or the query vector's dimension differs from them */
    public void checkDimensions(String owner, int queryDims) {
        if (dims == null) {
            throw new IllegalArgumentException("[" + owner + "] field [" + field + "] has no dimensions yet (no vector indexed)");
        }
        if (queryDims != dims) {
            throw new IllegalArgumentException("[" + owner + "] the query vector has a different number of dimensions [" + queryDims
                + "] than the document vectors [" + dims + "] of field [" + field + "]");
        }
    }

    /**
     * The kNN score of a raw similarity threshold, as Elasticsearch converts its kNN
     * {@code similarity} parameter: {@code (1 + s) / 2} for cosine and dot_product,
     * {@code 1 / (1 + s^2)} for l2_norm (s a distance), {@code s < 0 ? 1 / (1 - s) : s + 1} for max_inner_product.
     */
    float scoreOf(float s) {
        return switch (similarity) {
            case "cosine", "dot_product" -> (1 + s) / 2;
            case "l2_norm" -> 1 / (1 + s * s);
            case "max_inner_product" -> s < 0 ? 1 / (1 - s) : s + 1;
            default -> throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] unsupported similarity [" + similarity + "]");
        };
    }

    private static Map<?, ?> properties(MappingMetadata mapping) {
        Object properties = mapping == null ? null : mapping.sourceAsMap().get("properties");
        return properties instanceof Map<?, ?> map ? map : Map.of();
    }

    private static Map<?, ?> lookup(Map<?, ?> properties, String path) {
        if (properties.get(path) instanceof Map<?, ?> direct) {
            return direct;
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (properties.get(path.substring(0, dot)) instanceof Map<?, ?> object && object.get("properties") instanceof Map<?, ?> children) {
                Map<?, ?> found = lookup(children, path.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
