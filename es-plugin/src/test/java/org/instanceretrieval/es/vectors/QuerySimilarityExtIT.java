package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;
import static org.hamcrest.Matchers.containsString;

/**
 * {@code ext.retrieval_similarity} over real HTTP on a three-shard index on two nodes: every hit's similarity equals a
 * double-precision dot product computed here from the vectors as indexed (cosine: the vector divided by its norm in double;
 * 1e-6), for a float {@code hnsw}, a quantised {@code int8_hnsw} and a {@code cosine} field; documents without a vector get
 * no field; a field that is not a vector or a query of another dimension is a 400 naming the section.
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class QuerySimilarityExtIT extends RetrievalIntegTestCase {

    private static final String INDEX = "similarity-three";
    private static final int DIMS = 16;
    private static final int DOCS = 60;

    private float[][] vectors;

    private void indexRandomVectors() {
        String mapping = "{\"properties\": {\"tag\": {\"type\": \"keyword\"}, "
            + "\"f\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"max_inner_product\", \"index_options\": {\"type\": \"hnsw\"}}, "
            + "\"q\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"max_inner_product\", \"index_options\": {\"type\": \"int8_hnsw\"}}, "
            + "\"c\": {\"type\": \"dense_vector\", \"dims\": " + DIMS + ", \"similarity\": \"cosine\"}}}";
        assertAcked(prepareCreate(INDEX).setSettings(indexSettings(3, 0)).setMapping(mapping));
        vectors = new float[DOCS][DIMS];
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < DOCS; i++) {
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = (float) (random().nextGaussian() * 3);
            }
            Map<String, Object> source = new HashMap<>(Map.of("tag", "t" + i));
            if (i % 10 != 7) { // every tenth document from 7 on has no vectors
                source.putAll(Map.of("f", vectors[i], "q", vectors[i], "c", vectors[i]));
            }
            bulk.add(client().prepareIndex(INDEX).setId(Integer.toString(i)).setSource(source));
        }
        assertFalse(bulk.get().hasFailures());
        ensureGreen(INDEX);
    }

    private static String json(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.append(']').toString();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> similarities(String field, float[] query) throws Exception {
        Map<String, Object> response = call(getRestClient(), "POST", "/" + INDEX + "/_search", "{\"size\": " + DOCS
            + ", \"_source\": false, \"ext\": {\"retrieval_similarity\": {\"field\": \"" + field + "\", \"query_vector\": " + json(query)
            + "}}}");
        Map<String, Object> byId = new HashMap<>();
        for (Map<String, Object> hit : (List<Map<String, Object>>) ((Map<String, Object>) response.get("hits")).get("hits")) {
            Map<String, Object> fields = (Map<String, Object>) hit.get("fields");
            byId.put((String) hit.get("_id"), fields == null ? null : ((List<Object>) fields.get("_retrieval_similarity")).get(0));
        }
        assertEquals(DOCS, byId.size());
        return byId;
    }

    public void testSimilaritiesEqualADoubleDotProductOfTheIndexedVectors() throws Exception {
        indexRandomVectors();
        float[] query = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            query[j] = (float) random().nextGaussian();
        }
        for (String field : List.of("f", "q", "c")) {
            Map<String, Object> got = similarities(field, query);
            for (int i = 0; i < DOCS; i++) {
                Object s = got.get(Integer.toString(i));
                if (i % 10 == 7) {
                    assertNull(field + " doc " + i, s);
                    continue;
                }
                double norm = 0;
                for (float x : vectors[i]) {
                    norm += (double) x * x;
                }
                double scale = field.equals("c") ? 1 / Math.sqrt(norm) : 1;
                double expected = 0;
                for (int j = 0; j < DIMS; j++) {
                    expected += (double) query[j] * vectors[i][j] * scale;
                }
                assertEquals(field + " doc " + i, expected, ((Number) s).doubleValue(), 1e-6 * Math.max(1, Math.abs(expected)));
            }
        }
    }

    /**
     * A field that is not a vector or a query of another dimension fails the fetch of each shard with hits (a shard failure, as
     * a failing script field); without partial results the search is a 400 naming the section.
     */
    public void testErrorsNameTheSection() throws Exception {
        indexRandomVectors();
        for (String[] bad : new String[][] {
            { "{\"field\": \"f\", \"query_vector\": [1, 2]}", "[retrieval_similarity] the query vector has a different number of dimensions [2]" },
            { "{\"field\": \"tag\", \"query_vector\": [1, 2]}", "[retrieval_similarity] field [tag] is of type [keyword], not [dense_vector]" } }) {
            ResponseException e = failure(getRestClient(), "POST", "/" + INDEX + "/_search?allow_partial_search_results=false",
                "{\"ext\": {\"retrieval_similarity\": " + bad[0] + "}}");
            assertEquals(bad[0], 400, status(e));
            assertThat(e.getMessage(), containsString(bad[1]));
        }
        ResponseException nan = failure(getRestClient(), "POST", "/" + INDEX + "/_search",
            "{\"ext\": {\"retrieval_similarity\": {\"field\": \"f\", \"query_vector\": [\"NaN\", 1]}}}");
        assertEquals(400, status(nan));
        assertThat(nan.getMessage(), containsString("[retrieval_similarity] [query_vector] has a non-finite value [NaN]"));
    }
}
