package org.instanceretrieval.bench;

import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.Diffusion;
import org.instanceretrieval.diffusion.DiffusionRanking;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.graph.BlockedKnnGraph;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.instanceretrieval.graph.StoredGraphDiffusion;
import org.instanceretrieval.graph.VectorBlock;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.testing.ClusteredVectors;

import java.util.Arrays;
import java.util.Locale;

/**
 * Per-query cost of the diffusion rescorer's compute with a stored graph against rebuilding
 * the window's graph (defaults: 20,000 x 128 clustered unit vectors, stored k = 50, window R =
 * 1,000, kq = 10, alpha = 0.99, CG 1e-6 / 20 iterations, 200 queries drawn from the collection
 * with noise). Stored: decode the window's 1,000 encoded lists ({@link NeighbourListCodec}, as
 * read from doc values) and {@link StoredGraphDiffusion#diffuse}. Rebuilt: the current window
 * path, {@link Diffusion#onCandidates} (kNN graph of the window from its vectors) and solve.
 * Not timed: the graph build and the first-stage top R. Plain main: prints p50 and p90.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -cp <test classpath>
 * org.instanceretrieval.bench.StoredGraphDiffusionBenchmark [n dim k R queries]}.
 */
public final class StoredGraphDiffusionBenchmark {

    private StoredGraphDiffusionBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int queries = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        float[][] v = ClusteredVectors.generate(n, dim, 100, 0.1, 42);
        byte[][] encoded = new byte[n][];
        BlockedKnnGraph.withDefaults(k).build(new BlockedKnnGraph.BlockSource() {
            @Override
            public int numBlocks() {
                return (n + 4095) / 4096;
            }

            @Override
            public VectorBlock block(int b) {
                return VectorBlock.ofRows(Arrays.copyOfRange(v, b * 4096, Math.min(n, b * 4096 + 4096)), b * 4096);
            }
        }, (block, lists) -> {
            for (int r = 0; r < block.size(); r++) {
                String[] ids = Arrays.stream(lists[r].ids()).mapToObj(i -> "doc-" + i).toArray(String[]::new);
                encoded[block.ordinal(r)] = NeighbourListCodec.encode(new NeighbourList(ids, lists[r].scores()));
            }
        });
        long bytes = Arrays.stream(encoded).mapToLong(b -> b.length).sum();
        System.out.printf(Locale.ROOT, "stored graph: %d x %d, k=%d, %.1f bytes per list%n", n, dim, k, (double) bytes / n);

        GraphParameters graph = new GraphParameters(k, 3);
        QueryWeighting weighting = QueryWeighting.defaults();
        ConjugateGradient solver = ConjugateGradient.defaults();
        StoredGraphDiffusion stored = new StoredGraphDiffusion(graph, weighting, solver);
        ExactNeighbourSearch search = ExactNeighbourSearch.defaults();
        java.util.Random random = new java.util.Random(7);
        double[] storedMs = new double[queries];
        double[] rebuiltMs = new double[queries];
        double[] decodeMs = new double[queries];
        for (int warm = 1; warm >= 0; warm--) {
            for (int qi = 0; qi < queries; qi++) {
                float[] q = v[random.nextInt(n)].clone();
                for (int d = 0; d < dim; d++) {
                    q[d] += (float) (0.05 * random.nextGaussian());
                }
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) {
                    for (int d = 0; d < dim; d++) {
                        scores[i] += q[d] * v[i][d];
                    }
                }
                int[] top = DiffusionRanking.top(scores, window);
                String[] ids = new String[top.length];
                float[] sims = new float[top.length];
                for (int s = 0; s < top.length; s++) {
                    ids[s] = "doc-" + top[s];
                    sims[s] = scores[top[s]];
                }
                long t0 = System.nanoTime();
                NeighbourList[] lists = new NeighbourList[top.length];
                for (int s = 0; s < top.length; s++) {
                    lists[s] = NeighbourListCodec.decode(encoded[top[s]]);
                }
                long td = System.nanoTime();
                int[] a = stored.diffuse(ids, sims, lists).ranking();
                long t1 = System.nanoTime();
                int[] b = Diffusion.onCandidates(v, top, graph, weighting, solver, search).solve(weighting.queryVector(sims)).ranking();
                long t2 = System.nanoTime();
                storedMs[qi] = (t1 - t0) / 1e6;
                rebuiltMs[qi] = (t2 - t1) / 1e6;
                decodeMs[qi] = (td - t0) / 1e6;
                if (a.length + b.length < 0) {
                    throw new AssertionError();
                }
            }
        }
        Arrays.sort(storedMs);
        Arrays.sort(rebuiltMs);
        Arrays.sort(decodeMs);
        System.out.printf(Locale.ROOT, "window %d, %d queries: stored graph (decode + diffuse) p50 %.2f ms, p90 %.2f ms%n",
            window, queries, storedMs[queries / 2], storedMs[queries * 9 / 10]);
        System.out.printf(Locale.ROOT, "  of which decoding the %d lists: p50 %.2f ms%n", window, decodeMs[queries / 2]);
        System.out.printf(Locale.ROOT, "window %d, %d queries: window graph rebuilt + diffuse  p50 %.2f ms, p90 %.2f ms%n",
            window, queries, rebuiltMs[queries / 2], rebuiltMs[queries * 9 / 10]);
    }
}
