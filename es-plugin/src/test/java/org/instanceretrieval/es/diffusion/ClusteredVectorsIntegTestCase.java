package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.es.RetrievalIntegTestCase;

import java.util.Map;
import java.util.function.IntFunction;

import static org.elasticsearch.test.hamcrest.ElasticsearchAssertions.assertAcked;

/**
 * What the diffusion ITs share: unit vectors of {@value #DIMS} dimensions around a few random
 * centres (the manifold-like data diffusion is made for), indexed as documents {@code "0"},
 * {@code "1"}, ... with a {@code tag} and the {@code dot_product} field {@code v}, and random
 * queries near them.
 */
abstract class ClusteredVectorsIntegTestCase extends RetrievalIntegTestCase {

    static final int DIMS = 8;

    /** The indexed vectors, document i is vectors[i]. */
    protected float[][] vectors;

    /** {@code docs} L2-normalised vectors, document i around centre {@code i % clusters} (Gaussian noise 0.4). */
    protected void clusteredVectors(int docs, int clusters) {
        float[][] centres = new float[clusters][DIMS];
        for (float[] c : centres) {
            for (int j = 0; j < DIMS; j++) {
                c[j] = (float) random().nextGaussian();
            }
        }
        vectors = new float[docs][DIMS];
        for (int i = 0; i < docs; i++) {
            for (int j = 0; j < DIMS; j++) {
                vectors[i][j] = centres[i % clusters][j] + 0.4f * (float) random().nextGaussian();
            }
            BruteForce.l2InPlace(vectors[i]);
        }
    }

    /** Creates {@code index} with {@code shards} shards and no replica, indexes {@link #vectors} and refreshes. */
    protected void indexVectors(String index, int shards) {
        indexVectors(index, shards, null);
    }

    /**
     * As {@link #indexVectors(String, int)}; with a {@code routing} (document i is routed by {@code routing.apply(i)}) the index
     * requires a routing on every operation.
     */
    protected void indexVectors(String index, int shards, IntFunction<String> routing) {
        String mapping = "{" + (routing == null ? "" : "\"_routing\": {\"required\": true}, ") + "\"properties\": {\"tag\": "
            + "{\"type\": \"keyword\"}, \"v\": {\"type\": \"dense_vector\", \"dims\": " + DIMS
            + ", \"similarity\": \"dot_product\", \"index_options\": {\"type\": \"hnsw\"}}}}";
        assertAcked(prepareCreate(index).setSettings(indexSettings(shards, 0)).setMapping(mapping));
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < vectors.length; i++) {
            bulk.add(client().prepareIndex(index).setId(Integer.toString(i)).setRouting(routing == null ? null : routing.apply(i))
                .setSource(Map.of("tag", "t" + i, "v", vectors[i])));
        }
        assertFalse(bulk.get().hasFailures());
    }

    static String json(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.append(']').toString();
    }

    /** A random document's vector plus Gaussian noise 0.3, L2-normalised. */
    protected float[] randomQuery() {
        float[] q = vectors[random().nextInt(vectors.length)].clone();
        for (int j = 0; j < DIMS; j++) {
            q[j] += 0.3f * (float) random().nextGaussian();
        }
        return BruteForce.l2(q);
    }
}
