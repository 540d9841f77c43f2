package org.instanceretrieval.es.graph;

import org.elasticsearch.action.bulk.BulkRequestBuilder;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;

import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Test fixture: writes a neighbour graph into an index the way {@link GraphFields} defines it, without the build job, so that
 * the readers of the graph (rescorer, whole-index diffusion, offline rows, DBA) can be tested on their own. Documents are
 * {@code "0"}, {@code "1"}, ... (document i has {@code vectors[i]}); lists are brute force in this class: the float dot product
 * of {@link BruteForce#dot}, other documents only, similarity descending then {@code _id} ascending (String order). Immutable.
 */
public final class StoredGraphFixture {

    private final NeighbourList[] lists;

    private StoredGraphFixture(NeighbourList[] lists) {
        this.lists = lists;
    }

    /** The brute-force top-{@code k} lists of {@code vectors} (document i's list is {@code lists()[i]}). */
    public static StoredGraphFixture of(float[][] vectors, int k) {
        int n = vectors.length;
        NeighbourList[] lists = new NeighbourList[n];
        for (int i = 0; i < n; i++) {
            final int self = i;
            float[] s = new float[n];
            for (int j = 0; j < n; j++) {
                s[j] = BruteForce.dot(vectors[i], vectors[j]);
            }
            Integer[] others = new Integer[n - 1];
            for (int j = 0, t = 0; j < n; j++) {
                if (j != self) {
                    others[t++] = j;
                }
            }
            Arrays.sort(others, Comparator.comparingDouble((Integer j) -> -s[j]).thenComparing(j -> Integer.toString(j)));
            int m = Math.min(k, others.length);
            String[] ids = new String[m];
            float[] sims = new float[m];
            for (int t = 0; t < m; t++) {
                ids[t] = Integer.toString(others[t]);
                sims[t] = s[others[t]];
            }
            lists[i] = new NeighbourList(ids, sims);
        }
        return new StoredGraphFixture(lists);
    }

    /** Document i's list. */
    public NeighbourList list(int i) {
        return lists[i];
    }

    /** Number of documents. */
    public int size() {
        return lists.length;
    }

    /**
     * Maps {@code retrieval_graph.<field>}, writes every document's list (partial updates, refresh) and marks the graph of
     * {@code field} with {@code k} as {@code state} (e.g. done) in {@code _meta}, replacing the index's {@code _meta}.
     */
    public void write(Client client, String index, String field, int k, String state) {
        write(client, index, field, k, state, i -> null);
    }

    /** As {@link #write(Client, String, String, int, String)}, document i's update routed by {@code routing.apply(i)}. */
    public void write(Client client, String index, String field, int k, String state, IntFunction<String> routing) {
        client.admin().indices().preparePutMapping(index)
            .setSource(Map.of("properties", Map.of(GraphFields.neighbours(field), GraphFields.binaryDocValuesMapping())))
            .get();
        BulkRequestBuilder bulk = client.prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (int i = 0; i < lists.length; i++) {
            String encoded = Base64.getEncoder().encodeToString(NeighbourListCodec.encode(lists[i]));
            bulk.add(client.prepareUpdate(index, Integer.toString(i)).setRouting(routing.apply(i))
                .setDoc(Map.of(GraphFields.neighbours(field), encoded)));
        }
        if (bulk.get().hasFailures()) {
            throw new AssertionError("writing the fixture's lists failed");
        }
        GraphMarker marker = new GraphMarker(field, k, "exact", state, "fixture:1", 1L, GraphMarker.DONE.equals(state) ? 2L : null,
            GraphMarker.DONE.equals(state) ? (long) lists.length : null, GraphMarker.FAILED.equals(state) ? "fixture" : null);
        client.admin().indices().preparePutMapping(index).setSource(Map.of("_meta", Map.of(GraphMarker.KEY, marker.toMap()))).get();
    }
}
