package org.instanceretrieval.es.graph;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Test data of the graph-build ITs, computed independently of the build: documents named by ids whose String order differs from
 * their index order, vectors indexed as given ({@code max_inner_product} keeps them), the brute-force lists (double dot product,
 * similarity descending then {@code _id} ascending, self left out), and a decoder of the stored bytes written from the format's
 * description (not the plugin's codec).
 */
final class GraphTestData {

    /** One decoded list: neighbour ids and similarities in stored order. */
    record List2(List<String> ids, List<Float> sims) {}

    final Map<String, float[]> vectors = new TreeMap<>();

    /** Id of document i: "d" + i, so that "d10" sorts before "d2". */
    static String id(int i) {
        return "d" + i;
    }

    /**
     * Vectors with components in multiples of 1/4 in [-1, 1] (every dot product is exact in float, whatever the summation order),
     * every {@code dupEvery}-th a copy of the previous one (exact ties).
     */
    static GraphTestData quarterGrid(int docs, int dims, int dupEvery, Random random) {
        GraphTestData data = new GraphTestData();
        float[] previous = null;
        for (int i = 0; i < docs; i++) {
            float[] v = new float[dims];
            if (previous != null && i % dupEvery == 0) {
                v = previous.clone();
            } else {
                for (int j = 0; j < dims; j++) {
                    v[j] = (random.nextInt(9) - 4) / 4f;
                }
            }
            data.vectors.put(id(i), v);
            previous = v;
        }
        return data;
    }

    /** {@code docs} vectors around {@code clusters} random centres, Gaussian noise {@code noise}. */
    static GraphTestData clustered(int docs, int dims, int clusters, float noise, Random random) {
        float[][] centres = new float[clusters][dims];
        for (float[] c : centres) {
            for (int j = 0; j < dims; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        GraphTestData data = new GraphTestData();
        for (int i = 0; i < docs; i++) {
            float[] v = new float[dims];
            for (int j = 0; j < dims; j++) {
                v[j] = centres[i % clusters][j] + noise * (float) random.nextGaussian();
            }
            data.vectors.put(id(i), v);
        }
        return data;
    }

    static String mapping(int dims, String indexType) {
        return "{\"properties\": {\"tag\": {\"type\": \"keyword\"}, \"v\": {\"type\": \"dense_vector\", \"dims\": " + dims
            + ", \"similarity\": \"max_inner_product\", \"index_options\": {\"type\": \"" + indexType + "\"}}}}";
    }

    /** Indexes every vector (and {@code withoutVector} documents without one) and refreshes. */
    void index(Client client, String index, int withoutVector) {
        BulkRequestBuilder bulk = client.prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
            bulk.add(client.prepareIndex(index).setId(e.getKey()).setSource(Map.of("tag", "x", "v", e.getValue())));
        }
        for (int i = 0; i < withoutVector; i++) {
            bulk.add(client.prepareIndex(index).setId("novec" + i).setSource(Map.of("tag", "no vector")));
        }
        BulkResponse response = bulk.get();
        try {
            if (response.hasFailures()) {
                throw new AssertionError(response.buildFailureMessage());
            }
        } finally {
            response.decRef();
        }
    }

    /** The brute-force top-k list of every document. */
    Map<String, List2> bruteForce(int k) {
        String[] names = vectors.keySet().toArray(String[]::new); // TreeMap: String order
        float[][] v = vectors.values().toArray(float[][]::new);
        Map<String, List2> lists = new HashMap<>();
        for (int q = 0; q < names.length; q++) {
            double[] sim = new double[names.length];
            Integer[] order = new Integer[names.length - 1];
            for (int d = 0, t = 0; d < names.length; d++) {
                for (int j = 0; j < v[d].length; j++) {
                    sim[d] += (double) v[q][j] * v[d][j];
                }
                if (d != q) {
                    order[t++] = d; // ascending index = ascending id
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a])); // stable: equal similarities stay in id order
            List<String> top = new ArrayList<>();
            List<Float> sims = new ArrayList<>();
            for (int t = 0; t < Math.min(k, order.length); t++) {
                top.add(names[order[t]]);
                sims.add((float) sim[order[t]]);
            }
            lists.put(names[q], new List2(top, sims));
        }
        return lists;
    }

    /** The stored list bytes of every document that has one, read from doc values ({@code docvalue_fields}, base64). */
    static Map<String, byte[]> storedBytes(Client client, String index, String field) {
        Map<String, byte[]> out = new TreeMap<>();
        SearchResponse response = client.prepareSearch(index).setQuery(QueryBuilders.matchAllQuery()).setSize(10_000)
            .addDocValueField(GraphFields.neighbours(field)).get();
        try {
            for (SearchHit hit : response.getHits().getHits()) {
                DocumentField value = hit.field(GraphFields.neighbours(field));
                if (value != null && value.getValues().isEmpty() == false) {
                    if (value.getValues().size() != 1) {
                        throw new AssertionError("document [" + hit.getId() + "] has " + value.getValues().size() + " lists");
                    }
                    out.put(hit.getId(), Base64.getDecoder().decode((String) value.getValue()));
                }
            }
        } finally {
            response.decRef();
        }
        return out;
    }

    /** Decodes: version byte 1, varint count, then per entry varint length, UTF-8 id, little-endian float bits. */
    static List2 decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (in.get() != 1) {
            throw new AssertionError("version byte is not 1: " + Arrays.toString(bytes));
        }
        int count = varint(in);
        List<String> ids = new ArrayList<>();
        List<Float> sims = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            byte[] id = new byte[varint(in)];
            in.get(id);
            ids.add(new String(id, StandardCharsets.UTF_8));
            sims.add(in.getFloat());
        }
        if (in.hasRemaining()) {
            throw new AssertionError("trailing bytes");
        }
        return new List2(ids, sims);
    }

    private static int varint(ByteBuffer in) {
        int value = 0;
        for (int shift = 0;; shift += 7) {
            int b = in.get() & 0xFF;
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }
}
