package org.instanceretrieval.es.eval;

import org.elasticsearch.client.RestClient;
import org.elasticsearch.test.ESIntegTestCase;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.Map;

/**
 * {@code _retrieval_eval} on an index with a {@code nested} field (the processor's patch descriptors): nested documents
 * carry their parent's {@code _id} but are never taken for collection images. Vectors by hand: query d0 = [1, 0], d1 =
 * [0.9, 0.1], d2..d4 point away; positives d0 and d1 rank 1 and 2, so AP = mAP = 1 with both engines (before the fix: a
 * 400 "name [d0] belongs to two documents").
 */
@ESIntegTestCase.ClusterScope(scope = ESIntegTestCase.Scope.SUITE, numDataNodes = 2, supportsDedicatedMasters = false)
public class NestedEvalIT extends RetrievalIntegTestCase {

    @SuppressWarnings("unchecked")
    public void testNestedDocumentsAreNotCollectionImages() throws Exception {
        try (RestClient client = clientOf(twoNodes()[0])) {
            call(client, "PUT", "/nested-eval", "{\"settings\": {\"number_of_shards\": 2, \"number_of_replicas\": 0}, \"mappings\": "
                + "{\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 2, \"similarity\": \"cosine\"}, "
                + "\"patches\": {\"type\": \"nested\", \"properties\": {\"p\": {\"type\": \"dense_vector\", \"dims\": 2, "
                + "\"similarity\": \"cosine\"}}}}}}");
            String[][] vectors = { { "1", "0" }, { "0.9", "0.1" }, { "0", "1" }, { "-1", "0.2" }, { "-0.5", "-1" } };
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < vectors.length; i++) {
                bulk.append("{\"index\": {\"_index\": \"nested-eval\", \"_id\": \"d").append(i).append("\"}}\n")
                    .append("{\"v\": [").append(vectors[i][0]).append(", ").append(vectors[i][1]).append("], \"patches\": [")
                    .append("{\"p\": [1, 0]}, {\"p\": [0, 1]}]}\n");
            }
            call(client, "POST", "/_bulk?refresh=true", bulk.toString());
            call(client, "PUT", "/_retrieval/ground_truth/nested-gt", "{\"format\": \"json\", \"data\": {\"protocol\": \"oxford_paris\", "
                + "\"database\": [\"d0\", \"d1\", \"d2\", \"d3\", \"d4\"], \"queries\": [{\"name\": \"d0\", \"positive\": [\"d0\", \"d1\"], "
                + "\"junk\": []}]}}");
            for (String engine : new String[] { "exact", "search" }) {
                Map<String, Object> r = call(client, "POST", "/nested-eval/_retrieval_eval",
                    "{\"ground_truth\": \"nested-gt\", \"field\": \"v\", \"engine\": \"" + engine + "\"}");
                assertEquals(engine, 1.0, ((Number) ((Map<String, Object>) r.get("overall")).get("mAP")).doubleValue(), 1e-9);
                assertEquals(engine, 0, ((Map<String, Object>) r.get("documents")).get("missing_count"));
            }
        }
    }
}
