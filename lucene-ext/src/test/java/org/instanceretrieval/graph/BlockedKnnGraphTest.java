package org.instanceretrieval.graph;

import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.ExactNeighbourSearch;
import org.instanceretrieval.neighbours.NeighbourSearch.Self;
import org.instanceretrieval.neighbours.Neighbours;
import org.instanceretrieval.testing.ClusteredVectors;
import org.junit.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.instanceretrieval.graph.NeighbourListCodecTest.assertRefused;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

public class BlockedKnnGraphTest {

    private static List<ScoreKernel> kernels() {
        List<ScoreKernel> kernels = new ArrayList<>();
        kernels.add(ScoreKernels.scalar());
        ScoreKernels.vectorized().ifPresent(kernels::add);
        return kernels;
    }

    /** Clustered unit vectors with exact duplicates (rows copied to later and earlier positions). */
    private static float[][] withDuplicates(int n, int dim, long seed) {
        float[][] v = ClusteredVectors.generate(n, dim, 5, 0.15, seed);
        Random random = new Random(seed);
        for (int t = 0; t < n / 6; t++) {
            v[random.nextInt(n)] = v[random.nextInt(n)].clone();
        }
        v[n - 1] = v[0].clone();
        v[n - 2] = v[0].clone();
        return v;
    }

    /** A source over the given rows split into blocks; block b holds rows order[from .. to), ordinal = original row. */
    private static BlockedKnnGraph.BlockSource split(float[][] rows, int[] order, int blockSize, boolean reverse) {
        List<VectorBlock> blocks = new ArrayList<>();
        int dim = rows[0].length;
        for (int from = 0; from < order.length; from += blockSize) {
            int to = Math.min(order.length, from + blockSize);
            float[] flat = new float[(to - from) * dim];
            int[] ordinals = new int[to - from];
            for (int r = from; r < to; r++) {
                System.arraycopy(rows[order[r]], 0, flat, (r - from) * dim, dim);
                ordinals[r - from] = order[r];
            }
            blocks.add(new VectorBlock(flat, dim, ordinals));
        }
        if (reverse) {
            Collections.reverse(blocks);
        }
        return new BlockedKnnGraph.BlockSource() {
            @Override
            public int numBlocks() {
                return blocks.size();
            }

            @Override
            public VectorBlock block(int b) {
                return blocks.get(b);
            }
        };
    }

    /** Runs the build and places each row's list at its ordinal. */
    private static Neighbours[] byOrdinal(BlockedKnnGraph graph, BlockedKnnGraph.BlockSource source, int n) {
        Neighbours[] out = new Neighbours[n];
        graph.build(source, (queries, lists) -> {
            for (int r = 0; r < queries.size(); r++) {
                assertEquals(null, out[queries.ordinal(r)]);
                out[queries.ordinal(r)] = lists[r];
            }
        });
        return out;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    private static int[] shuffled(int n, long seed) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        Collections.shuffle(list, new Random(seed));
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    public void blockMergedEqualsExactSearchForEverySplit() {
        int n = 97;
        int k = 9;
        float[][] v = withDuplicates(n, 24, 5);
        for (ScoreKernel kernel : kernels()) {
            Neighbours[] expected = new ExactNeighbourSearch(kernel, 1).allNearest(v, k, Self.EXCLUDED);
            // duplicates make exact ties: the data must actually exercise the tie rule
            boolean tie = false;
            for (Neighbours list : expected) {
                for (int t = 1; t < list.size(); t++) {
                    tie |= list.score(t) == list.score(t - 1);
                }
            }
            assertTrue("test data has no exact tie", tie);
            for (int threads : new int[] { 1, 2, ParallelBlocks.COMMON_POOL }) {
                BlockedKnnGraph graph = new BlockedKnnGraph(k, kernel, threads);
                for (int blockSize : new int[] { 1, 2, 7, 16, 64, n }) {
                    for (boolean reverse : new boolean[] { false, true }) {
                        String what = kernel + " threads " + threads + " blocks of " + blockSize + (reverse ? " reversed" : "");
                        Neighbours[] got = byOrdinal(graph, split(v, identity(n), blockSize, reverse), n);
                        for (int i = 0; i < n; i++) {
                            assertEquals(what + " row " + i, expected[i], got[i]);
                        }
                        // rows permuted over the blocks: the ordinal, not the arrival order, breaks ties
                        got = byOrdinal(graph, split(v, shuffled(n, blockSize), blockSize, reverse), n);
                        for (int i = 0; i < n; i++) {
                            assertEquals(what + " shuffled, row " + i, expected[i], got[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    public void duplicatesTieByOrdinalAndSelfIsExcluded() {
        // rows 0, 2 and 3 identical, row 1 orthogonal: row 0's list is 2, 3 (score 1), then 1
        float[][] v = { { 1, 0 }, { 0, 1 }, { 1, 0 }, { 1, 0 } };
        Neighbours[] got = byOrdinal(new BlockedKnnGraph(5, ScoreKernels.best(), 1), split(v, new int[] { 3, 1, 0, 2 }, 1, false), 4);
        assertEquals(new Neighbours(new int[] { 2, 3, 1 }, new float[] { 1, 1, 0 }), got[0]);
        assertEquals(new Neighbours(new int[] { 0, 2, 3 }, new float[] { 0, 0, 0 }), got[1]);
        assertEquals(new Neighbours(new int[] { 0, 2, 1 }, new float[] { 1, 1, 0 }), got[3]);
    }

    @Test
    public void partialListsMergeToTheWholeResult() {
        int n = 60;
        int k = 7;
        float[][] v = withDuplicates(n, 16, 11);
        BlockedKnnGraph graph = new BlockedKnnGraph(k, ScoreKernels.best(), 1);
        Neighbours[] expected = new ExactNeighbourSearch(ScoreKernels.best(), 1).allNearest(v, k, Self.EXCLUDED);
        BlockedKnnGraph.BlockSource blocks = split(v, identity(n), 20, false);
        for (int qb = 0; qb < blocks.numBlocks(); qb++) {
            VectorBlock queries = blocks.block(qb);
            // "node A" holds blocks 0 and 1, "node B" block 2; each computes partial top-k lists
            BlockedKnnGraph.Rows a = graph.start(queries);
            a.add(blocks.block(0));
            a.add(blocks.block(1));
            BlockedKnnGraph.Rows b = graph.start(queries);
            b.add(blocks.block(2));
            Neighbours[] partA = a.finish();
            Neighbours[] partB = b.finish();
            BlockedKnnGraph.Rows merged = graph.start(queries);
            for (int r = 0; r < queries.size(); r++) {
                merged.merge(r, partB[r]);
                merged.merge(r, partA[r]);
            }
            Neighbours[] got = merged.finish();
            for (int r = 0; r < queries.size(); r++) {
                assertEquals(expected[queries.ordinal(r)], got[r]);
            }
        }
    }

    @Test
    public void fewerRowsThanK() {
        float[][] v = { { 1, 0 }, { 0.6f, 0.8f } };
        Neighbours[] got = byOrdinal(new BlockedKnnGraph(50, ScoreKernels.scalar(), 1), split(v, identity(2), 1, false), 2);
        assertEquals(1, got[0].size());
        assertEquals(1, got[0].id(0));
        assertEquals(0.6f, got[0].score(0), 0f);
    }

    @Test
    public void refusesInconsistentInput() {
        float[][] v = { { 1, 0 }, { 0, 1 } };
        BlockedKnnGraph graph = new BlockedKnnGraph(3, ScoreKernels.scalar(), 1);
        assertRefused(() -> byOrdinal(graph, new BlockedKnnGraph.BlockSource() {
            @Override
            public int numBlocks() {
                return 2;
            }

            @Override
            public VectorBlock block(int b) {
                return b == 0 ? VectorBlock.ofRows(v, 0) : VectorBlock.ofRows(new float[][] { { 1, 1 } }, 1);
            }
        }, 3), "ordinal [1] occurs in blocks [0] and [1]");
        assertRefused(() -> graph.start(VectorBlock.ofRows(v, 0)).add(VectorBlock.ofRows(new float[][] { { 1, 2, 3 } }, 5)),
            "dimension [3] but query block has [2]");
        assertRefused(() -> new VectorBlock(new float[] { 1, 2, 3 }, 2, new int[] { 0, 1 }), "needs [4] values but has [3]");
        assertRefused(() -> new VectorBlock(new float[] { 1, 2 }, 1, new int[] { 4, 4 }), "ordinal [4] occurs more than once");
        assertRefused(() -> new VectorBlock(new float[] { 1, 2 }, 1, new int[] { 0, -1 }), "ordinal [-1] is negative");
        assertRefused(() -> new VectorBlock(new float[] { 1, Float.NaN }, 1, new int[] { 0, 1 }), "row [1] (ordinal [1]) has a non-finite");
        assertRefused(() -> new VectorBlock(new float[0], 1, new int[0]), "at least one row");
        assertRefused(() -> new BlockedKnnGraph(0, ScoreKernels.scalar(), 1), "[k] must be >= 1");
        assertRefused(() -> graph.start(VectorBlock.ofRows(v, 0)).merge(2, new Neighbours(new int[0], new float[0])), "row [2] is out of range");
    }
}
