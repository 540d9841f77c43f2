package org.instanceretrieval.es.query;

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
import java.util.Locale;
import java.util.Map;

/**
 * The mapping of a {@code dense_vector} field on one shard as far as {@code retrieval_knn}
 * needs it: dimensions, element type and similarity. Read from the field mapper's own
 * x-content (with defaults), since the field type keeps these accessors package-private.
 *
 * @param dims        number of dimensions
 * @param elementType {@code float}, {@code byte} or {@code bit}
 * @param similarity  {@code cosine}, {@code dot_product}, {@code l2_norm} or {@code max_inner_product}
 */
record VectorMapping(int dims, String elementType, String similarity) {

    /**
     * @throws IllegalArgumentException if the field is not mapped on this shard or is not a {@code dense_vector}
     */
    static VectorMapping of(SearchExecutionContext context, String field) {
        MappedFieldType type = context.getFieldType(field);
        if (type == null) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] field [" + field
                + "] does not exist in the mapping of index [" + context.index().getName() + "]");
        }
        if (type instanceof DenseVectorFieldMapper.DenseVectorFieldType == false) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] field [" + field + "] is of type [" + type.typeName()
                + "], not [dense_vector]");
        }
        Mapper mapper = context.getMappingLookup().getMapper(field);
        Map<String, Object> params;
        try (XContentBuilder builder = JsonXContent.contentBuilder()) {
            builder.startObject();
            mapper.toXContent(builder, new ToXContent.MapParams(Map.of("include_defaults", "true")));
            builder.endObject();
            @SuppressWarnings("unchecked")
            Map<String, Object> own = (Map<String, Object>) XContentHelper.convertToMap(
                org.elasticsearch.common.bytes.BytesReference.bytes(builder), false, builder.contentType()).v2().get(mapper.leafName());
            params = own;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object dims = params.get("dims");
        if (dims == null) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] field [" + field
                + "] has no dimensions yet (no vector indexed)");
        }
        return new VectorMapping(
            ((Number) dims).intValue(),
            String.valueOf(params.getOrDefault("element_type", "float")).toLowerCase(Locale.ROOT),
            String.valueOf(params.getOrDefault("similarity", "cosine")).toLowerCase(Locale.ROOT)
        );
    }

    boolean isFloat() {
        return "float".equals(elementType);
    }

    /** @throws IllegalArgumentException if the query vector's dimension differs from the field's */
    void checkDimensions(String field, int queryDims) {
        if (queryDims != dims) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] the query vector has a different number of dimensions ["
                + queryDims + "] than the document vectors [" + dims + "] of field [" + field + "]");
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
}
