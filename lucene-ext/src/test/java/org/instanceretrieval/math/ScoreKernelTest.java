package org.instanceretrieval.math;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.lucene.util.VectorUtil;
import org.junit.Test;

public class ScoreKernelTest {

    /**
     * The scalar kernel always; when this JVM has the module, both register blockings of the
     * Vector API kernel (only one of them is chosen for a given CPU).
     */
    static List<ScoreKernel> kernels() {
        List<ScoreKernel> kernels = new ArrayList<>();
        kernels.add(ScoreKernels.scalar());
        if (ScoreKernels.vectorized().isPresent()) {
            kernels.add(PanamaScoreKernel.SIX_QUERIES);
            kernels.add(PanamaScoreKernel.EIGHT_QUERIES);
        }
        return kernels;
    }

    private static float[] randomVectors(Random random, int n, int dim) {
        float[] v = new float[n * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    public void scoresMatchVectorUtilOnOddDimensionsAndBlockShapes() {
        Random random = new Random(42);
        // Row counts and query counts that leave remainders for every blocking (6 or 8 queries,
        // 2 panels of 8 or 16 rows, tiles of 4 panels), and dimensions off the lane multiple.
        int[] dims = {1, 7, 33, 768};
        int[][] shapes = {{1, 1}, {5, 3}, {13, 37}, {6, 64}, {8, 40}, {19, 150}};
        for (ScoreKernel kernel : kernels()) {
            for (int dim : dims) {
                for (int[] shape : shapes) {
                    int numQueries = shape[0];
                    int numRows = shape[1];
                    int firstQuery = 2;
                    float[] queries = randomVectors(random, firstQuery + numQueries, dim);
                    float[] collection = randomVectors(random, numRows, dim);
                    float[] out = new float[numQueries * numRows];
                    kernel.scoreBlock(queries, firstQuery, numQueries, kernel.prepare(collection, numRows, dim), out);
                    for (int q = 0; q < numQueries; q++) {
                        float[] query = Arrays.copyOfRange(queries, (firstQuery + q) * dim, (firstQuery + q + 1) * dim);
                        for (int r = 0; r < numRows; r++) {
                            float[] row = Arrays.copyOfRange(collection, r * dim, (r + 1) * dim);
                            float expected = VectorUtil.dotProduct(query, row);
                            // Summation order differs: allow float rounding relative to sum |q_k x_k|.
                            double magnitude = 0;
                            for (int k = 0; k < dim; k++) {
                                magnitude += Math.abs(query[k] * row[k]);
                            }
                            assertEquals(kernel + " dim " + dim + " q " + q + " r " + r, expected, out[q * numRows + r], 1e-5 * magnitude + 1e-6);
                        }
                    }
                }
            }
        }
    }

    @Test
    public void scoringFromARowEqualsScoringAllOfThem() {
        Random random = new Random(7);
        int dim = 33;
        for (ScoreKernel kernel : kernels()) {
            for (int numRows : new int[] {1, 37, 40, 64, 150}) {
                float[] queries = randomVectors(random, 9, dim);
                ScoreKernel.Prepared prepared = kernel.prepare(randomVectors(random, numRows, dim), numRows, dim);
                float[] all = new float[9 * numRows];
                kernel.scoreBlock(queries, 0, 9, prepared, all);
                for (int firstRow : new int[] {0, 5, 16, 33, numRows - 1}) {
                    if (firstRow < 0 || firstRow >= numRows) {
                        continue;
                    }
                    float[] from = new float[9 * numRows];
                    kernel.scoreBlockFrom(queries, 0, 9, prepared, from, firstRow);
                    for (int q = 0; q < 9; q++) {
                        for (int r = firstRow; r < numRows; r++) {
                            assertEquals(kernel + " rows " + numRows + " from " + firstRow + " q " + q + " r " + r, all[q * numRows + r],
                                from[q * numRows + r], 0f);
                        }
                    }
                }
            }
        }
    }

    @Test
    public void scoringLeavesTheBufferBeyondTheBlockUntouched() {
        Random random = new Random(3);
        int dim = 9;
        int numRows = 21;
        for (ScoreKernel kernel : kernels()) {
            float[] queries = randomVectors(random, 7, dim);
            float[] out = new float[7 * numRows + 5];
            Arrays.fill(out, -7f);
            kernel.scoreBlock(queries, 0, 7, kernel.prepare(randomVectors(random, numRows, dim), numRows, dim), out);
            for (int i = 7 * numRows; i < out.length; i++) {
                assertEquals(-7f, out[i], 0f);
            }
        }
    }

    @Test
    public void handWorkedScores() {
        // queries (1,2) and (0,-1); rows (3,4), (1,1), (-2,0.5):
        // (1,2).(3,4)=3+8=11, (1,2).(1,1)=3, (1,2).(-2,0.5)=-2+1=-1
        // (0,-1).(3,4)=-4, (0,-1).(1,1)=-1, (0,-1).(-2,0.5)=-0.5
        float[] queries = {1, 2, 0, -1};
        float[] rows = {3, 4, 1, 1, -2, 0.5f};
        for (ScoreKernel kernel : kernels()) {
            float[] out = new float[6];
            kernel.scoreBlock(queries, 0, 2, kernel.prepare(rows, 3, 2), out);
            assertTrue(Arrays.equals(new float[] {11, 3, -1, -4, -1, -0.5f}, out));
        }
    }

    @Test
    public void prepareValidatesAndKernelsRejectForeignPreparations() {
        for (ScoreKernel kernel : kernels()) {
            assertThrows(IllegalArgumentException.class, () -> kernel.prepare(new float[6], 0, 3));
            assertThrows(IllegalArgumentException.class, () -> kernel.prepare(new float[6], 2, 0));
            assertThrows(IllegalArgumentException.class, () -> kernel.prepare(new float[5], 2, 3));
            assertThrows(IllegalArgumentException.class, () -> kernel.prepare(null, 2, 3));
            ScoreKernel.Prepared prepared = kernel.prepare(new float[6], 2, 3);
            assertEquals(2, prepared.numRows());
            assertEquals(3, prepared.dim());
        }
        ScoreKernel.Prepared foreign = new ScoreKernel.Prepared() {
            @Override
            public int numRows() {
                return 1;
            }

            @Override
            public int dim() {
                return 1;
            }
        };
        for (ScoreKernel kernel : kernels()) {
            assertThrows(IllegalArgumentException.class, () -> kernel.scoreBlock(new float[1], 0, 1, foreign, new float[1]));
        }
    }

    @Test
    public void forceScalarPropertySelectsTheScalarKernel() {
        String old = System.getProperty(ScoreKernels.FORCE_SCALAR_PROPERTY);
        try {
            System.setProperty(ScoreKernels.FORCE_SCALAR_PROPERTY, "true");
            assertSame(ScoreKernels.scalar(), ScoreKernels.best());
            System.clearProperty(ScoreKernels.FORCE_SCALAR_PROPERTY);
            assertSame(ScoreKernels.vectorized().orElse(ScoreKernels.scalar()), ScoreKernels.best());
        } finally {
            if (old != null) {
                System.setProperty(ScoreKernels.FORCE_SCALAR_PROPERTY, old);
            }
        }
    }

    @Test
    public void vectorizedKernelIsAvailableWhenTheModuleIsPresent() {
        // Surefire adds jdk.incubator.vector; on a CPU with >= 8 float lanes the kernel must load.
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (module && jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() >= ScoreKernels.MIN_LANES) {
            assertTrue(ScoreKernels.vectorized().isPresent());
        }
    }
}
