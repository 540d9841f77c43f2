package org.instanceretrieval.es.graph;

import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.diffusion.SparseMatrix;
import org.instanceretrieval.es.BruteForce;
import org.instanceretrieval.graph.GraphAffinity;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.instanceretrieval.graph.StoredGraph;
import org.instanceretrieval.memory.Reservation;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StoredGraph} from shard responses (documents split over shards at random) and its {@link GraphAffinity}: ordinals
 * are the {@code _id} ranks whatever the split, each keeps its document's custom routing, rows keep the stored order, and S equals the independent dense S of
 * {@link StoredGraphBruteForce} entry by entry (to 1e-12).
 */
public class StoredGraphTests extends ESTestCase {

    private static float[][] unitVectors(int n, int dims) {
        float[][] v = new float[n][dims];
        for (float[] row : v) {
            for (int j = 0; j < dims; j++) {
                row[j] = (float) random().nextGaussian();
            }
            BruteForce.l2InPlace(row);
        }
        return v;
    }

    /** The fixture's lists split at random over {@code shards}; when {@code routed}, odd documents carry the routing r(doc % 3). */
    private static List<ShardGraphAction.Result> split(StoredGraphFixture fixture, int shards, boolean routed) {
        List<List<Integer>> docs = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            docs.add(new ArrayList<>());
        }
        for (int i = 0; i < fixture.size(); i++) {
            docs.get(random().nextInt(shards)).add(i);
        }
        List<ShardGraphAction.Result> responses = new ArrayList<>();
        for (List<Integer> shard : docs) {
            String[] ids = new String[shard.size()];
            String[] routings = new String[shard.size()];
            int[] offsets = new int[shard.size() + 1];
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (int t = 0; t < ids.length; t++) {
                ids[t] = Integer.toString(shard.get(t));
                routings[t] = routed && shard.get(t) % 2 == 1 ? "r" + shard.get(t) % 3 : null;
                byte[] bytes = NeighbourListCodec.encode(fixture.list(shard.get(t)));
                data.write(bytes, 0, bytes.length);
                offsets[t + 1] = data.size();
            }
            responses.add(new ShardGraphAction.Result(ids, routings, offsets, data.toByteArray()));
        }
        return responses;
    }

    public void testOrdinalsRowsAndAffinityMatchTheDenseDefinition() {
        int n = between(20, 80);
        int storedK = between(3, 12);
        float[][] vectors = unitVectors(n, 6);
        StoredGraphFixture fixture = StoredGraphFixture.of(vectors, storedK);
        boolean routed = randomBoolean();
        StoredGraph graph = StoredGraph.of(split(fixture, between(1, 4), routed), storedK, Reservation.untracked(0));
        assertEquals(n, graph.size());
        for (int o = 0; o < n; o++) {
            if (o > 0) {
                assertTrue(graph.id(o - 1).compareTo(graph.id(o)) < 0);
            }
            int doc = Integer.parseInt(graph.id(o));
            assertEquals(o, graph.ordinal(graph.id(o)));
            assertEquals(routed && doc % 2 == 1 ? "r" + doc % 3 : null, graph.routing(o));
            assertEquals(fixture.list(doc).size(), graph.rowLength(o));
            for (int t = 0; t < graph.rowLength(o); t++) {
                assertEquals(fixture.list(doc).id(t), graph.id(graph.neighbour(o, t)));
                assertEquals(fixture.list(doc).similarity(t), graph.similarity(o, t), 0f);
            }
        }
        assertEquals(-1, graph.ordinal("absent"));

        int k = between(1, storedK);
        double gamma = randomFrom(1.0, 3.0);
        SparseMatrix s = GraphAffinity.normalized(graph, k, gamma);
        double[][] dense = StoredGraphBruteForce.normalized(fixture, vectors, k, gamma);
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                assertEquals("S(" + graph.id(a) + ", " + graph.id(b) + ")",
                    dense[Integer.parseInt(graph.id(a))][Integer.parseInt(graph.id(b))], s.get(a, b), 1e-12);
            }
        }
    }

    public void testAnIdInTwoShardsIsRefused() {
        StoredGraphFixture fixture = StoredGraphFixture.of(unitVectors(5, 4), 2);
        List<ShardGraphAction.Result> one = split(fixture, 1, false);
        List<ShardGraphAction.Result> twice = List.of(one.get(0), one.get(0));
        IllegalStateException e = expectThrows(IllegalStateException.class, () -> StoredGraph.of(twice, 2, Reservation.untracked(0)));
        assertTrue(e.getMessage(), e.getMessage().contains("holds a neighbour list in two shards"));
    }
}
