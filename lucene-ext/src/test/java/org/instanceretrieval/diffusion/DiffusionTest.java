package org.instanceretrieval.diffusion;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

public class DiffusionTest {

    @Test
    public void rankFollowsTheSolvedScores() {
        float[][] db = TestVectors.clustered(60, 8, 3, 0.4, 4);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(8, 3));
        Diffusion diffusion = Diffusion.withDefaults(db, graph);
        float[] q = TestVectors.clustered(1, 8, 1, 0.5, 9)[0];
        double[] y = QueryWeighting.defaults().queryVector(db, q, BruteForceNeighbourSearch.INSTANCE);
        CgSolution direct = ConjugateGradient.defaults().solve(graph.normalized(), y);
        assertArrayEquals(direct.solution(), diffusion.diffuse(q).solution(), 0);
        assertArrayEquals(DiffusionRanking.order(direct.solution()), diffusion.rank(q));
    }

    @Test
    public void regionalQuerySolvesTheSummedVector() {
        float[][] db = TestVectors.clustered(30, 4, 3, 0.3, 5);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(5, 3));
        Diffusion diffusion = Diffusion.withDefaults(db, graph);
        float[][] regions = new float[2][30];
        for (int j = 0; j < 30; j++) {
            regions[0][j] = (float) TestVectors.dot(db[0], db[j]);
            regions[1][j] = (float) TestVectors.dot(db[1], db[j]);
        }
        double[] y = QueryWeighting.defaults().regionalQueryVector(regions);
        assertArrayEquals(ConjugateGradient.defaults().solve(graph.normalized(), y).solution(),
            diffusion.diffuseRegions(regions).solution(), 0);
    }

    @Test
    public void earlyTruncationDiffusesOnTheCandidateSubgraph() {
        float[][] db = TestVectors.clustered(80, 8, 4, 0.4, 6);
        float[] q = TestVectors.clustered(1, 8, 1, 0.5, 2)[0];
        float[] firstStage = new float[db.length];
        for (int j = 0; j < db.length; j++) {
            firstStage[j] = (float) TestVectors.dot(q, db[j]);
        }
        int[] candidates = DiffusionRanking.top(firstStage, 30);
        GraphParameters p = new GraphParameters(5, 3);
        Diffusion truncated = Diffusion.onCandidates(db, candidates, p, QueryWeighting.defaults(),
            ConjugateGradient.defaults(), BruteForceNeighbourSearch.INSTANCE);
        // the same thing by hand: copy the candidate vectors, build, diffuse
        float[][] subset = new float[30][];
        for (int s = 0; s < 30; s++) {
            subset[s] = db[candidates[s]];
        }
        Diffusion manual = Diffusion.withDefaults(subset, AffinityGraph.build(subset, p));
        assertEquals(30, truncated.graph().size());
        assertArrayEquals(manual.diffuse(q).solution(), truncated.diffuse(q).solution(), 0);
    }

    @Test
    public void rejectsMismatchedGraph() {
        float[][] db = TestVectors.clustered(10, 4, 2, 0.3, 1);
        AffinityGraph graph = AffinityGraph.build(db, new GraphParameters(3, 3));
        assertThrows(IllegalArgumentException.class, () -> Diffusion.withDefaults(java.util.Arrays.copyOf(db, 9), graph));
    }
}
