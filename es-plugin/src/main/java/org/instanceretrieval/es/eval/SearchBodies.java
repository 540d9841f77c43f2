package org.instanceretrieval.es.eval;

import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search body the {@code search} engine sends for one query: exactly the body an application
 * would send. Either built from the request's {@code query} options ({@code retrieval_knn} on
 * the field with the query vector; {@code k} defaults to the depth), optionally with the
 * {@code diffusion} or {@code k_reciprocal} rescorer (its {@code field} and {@code query_vector} filled in unless given) or wrapped in a {@code diffusion} retriever, or the request's
 * {@code template} with {@code "{{query_vector}}"} replaced by the vector and
 * {@code "{{query_document}}"} by {@code {"index": ..., "id": ...}} of the query document. In
 * both cases {@code size} is the depth and {@code _source} is off (names come from {@code _id} or
 * from {@code docvalue_fields} of {@code id_field}).
 *
 * <p>{@link SearchSources} parses such a body once per evaluation; only templates are built and
 * parsed for every query.
 */
public final class SearchBodies {

    private SearchBodies() {}

    public static Map<String, Object> body(RetrievalEvalAction.Request request, float[] vector, String queryIndex, String queryId, int depth,
        String idField) {
        List<Float> vectorList = new ArrayList<>(vector.length);
        for (float v : vector) {
            vectorList.add(v);
        }
        Map<String, Object> body;
        if (request.options().template() != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> filled = (Map<String, Object>) fill(request.options().template(), vectorList, Map.of("index", queryIndex, "id", queryId));
            body = filled;
        } else {
            Map<String, Object> knn = new LinkedHashMap<>();
            knn.put("field", request.options().field());
            knn.put("query_vector", vectorList);
            knn.put("k", depth);
            if (request.options().query() != null) {
                knn.putAll(request.options().query());
                // applies to multi-image queries only (SearchSources#forQuery(float[][])); a single query vector takes none
                knn.remove("query_aggregation");
            }
            Map<String, Object> query = Map.of("retrieval_knn", knn);
            body = new LinkedHashMap<>();
            if (request.options().retriever() != null) {
                Map<String, Object> retriever = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : request.options().retriever().entrySet()) {
                    if (e.getValue() instanceof Map<?, ?> options) {
                        Map<String, Object> filled = new LinkedHashMap<>();
                        options.forEach((k, v) -> filled.put(String.valueOf(k), v));
                        filled.putIfAbsent("field", request.options().field());
                        filled.put("retriever", Map.of("standard", Map.of("query", query)));
                        retriever.put(e.getKey(), filled);
                    } else {
                        throw new IllegalArgumentException("[retriever] [" + e.getKey() + "] must be an object of options");
                    }
                }
                body.put("retriever", retriever);
            } else {
                body.put("query", query);
            }
            if (request.options().rescore() != null) {
                Map<String, Object> rescore = new LinkedHashMap<>(request.options().rescore());
                for (String name : SearchSources.VECTOR_RESCORERS) {
                    if (rescore.get(name) instanceof Map<?, ?> options) {
                        Map<String, Object> filled = new LinkedHashMap<>();
                        options.forEach((k, v) -> filled.put(String.valueOf(k), v));
                        filled.putIfAbsent("field", request.options().field());
                        filled.putIfAbsent("query_vector", vectorList);
                        rescore.put(name, filled);
                    }
                }
                body.put("rescore", rescore);
            }
        }
        body = new LinkedHashMap<>(body);
        body.put("size", depth);
        body.put("_source", false);
        body.put("track_total_hits", false);
        if ("_id".equals(idField) == false) {
            body.put("docvalue_fields", List.of(idField));
        }
        return body;
    }

    private static Object fill(Object value, List<Float> vector, Map<String, Object> queryDocument) {
        if (RetrievalEvalAction.Request.QUERY_VECTOR_PLACEHOLDER.equals(value)) {
            return vector;
        }
        if (RetrievalEvalAction.Request.QUERY_DOCUMENT_PLACEHOLDER.equals(value)) {
            return queryDocument;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), fill(v, vector, queryDocument)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(fill(v, vector, queryDocument)));
            return out;
        }
        return value;
    }

    /**
     * Parses a body with the node's registry (queries, rescorers and retrievers of every plugin).
     *
     * @throws IllegalArgumentException (400) with the parser's reason
     */
    public static SearchSourceBuilder parse(Map<String, Object> body, NamedXContentRegistry registry) {
        try (XContentBuilder builder = JsonXContent.contentBuilder().map(body);
             XContentParser parser = XContentType.JSON.xContent()
                 .createParser(XContentParserConfiguration.EMPTY.withRegistry(registry), BytesReference.bytes(builder).streamInput())) {
            return new SearchSourceBuilder().parseXContent(parser, true, feature -> true);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            String reason = e.getMessage();
            if (e.getCause() != null && e.getCause().getMessage() != null) {
                reason = reason + ": " + e.getCause().getMessage();
            }
            throw new IllegalArgumentException("the search body of the evaluation does not parse: " + reason, e);
        }
    }
}
