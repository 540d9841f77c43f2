package org.instanceretrieval.math;

import java.util.Arrays;
import org.apache.lucene.util.VectorUtil;

/**
 * Portable {@link ScoreKernel}: dot products through {@link VectorUtil} (which Lucene itself
 * vectorises on recent JDKs), counting with plain comparisons. Used on JDKs without the
 * vector incubator module and when {@link ScoreKernels#FORCE_SCALAR_PROPERTY} is set.
 */
final class ScalarScoreKernel implements ScoreKernel {

    static final ScalarScoreKernel INSTANCE = new ScalarScoreKernel();

    private ScalarScoreKernel() {}

    @Override
    public String toString() {
        return "ScalarScoreKernel";
    }

    /** Rows as separate arrays: {@link VectorUtil} takes whole arrays, not slices. */
    private static final class Rows implements Prepared {
        final float[][] rows;
        final int dim;

        Rows(float[][] rows, int dim) {
            this.rows = rows;
            this.dim = dim;
        }

        @Override
        public int numRows() {
            return rows.length;
        }

        @Override
        public int dim() {
            return dim;
        }
    }

    @Override
    public Prepared prepare(float[] collection, int numRows, int dim) {
        ScoreKernels.checkCollection(collection, numRows, dim);
        float[][] rows = new float[numRows][];
        for (int r = 0; r < numRows; r++) {
            rows[r] = Arrays.copyOfRange(collection, r * dim, (r + 1) * dim);
        }
        return new Rows(rows, dim);
    }

    @Override
    public void scoreBlock(float[] queries, int firstQuery, int numQueries, Prepared collection, float[] out) {
        if (collection instanceof Rows == false) {
            throw new IllegalArgumentException("collection was prepared by another kernel: " + collection.getClass().getName());
        }
        Rows rows = (Rows) collection;
        int dim = rows.dim;
        int numRows = rows.rows.length;
        float[] query = new float[dim];
        for (int q = 0; q < numQueries; q++) {
            System.arraycopy(queries, (firstQuery + q) * dim, query, 0, dim);
            for (int r = 0; r < numRows; r++) {
                out[q * numRows + r] = VectorUtil.dotProduct(query, rows.rows[r]);
            }
        }
    }

    @Override
    public void countAhead(float[] scores, int offset, int length, int[] items, int[] aheadOut) {
        for (int k = 0; k < items.length; k++) {
            int p = items[k];
            float sp = scores[offset + p];
            int ahead = 0;
            // Items before p tie-break ahead of it (index ascending), items after it do not.
            for (int i = 0; i < p; i++) {
                if (scores[offset + i] >= sp) {
                    ahead++;
                }
            }
            for (int i = p + 1; i < length; i++) {
                if (scores[offset + i] > sp) {
                    ahead++;
                }
            }
            aheadOut[k] = ahead;
        }
    }
}
