package org.instanceretrieval.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScoreKernel} on the Java Vector API ({@code jdk.incubator.vector}). Loaded only by
 * {@link ScoreKernels} after it has checked that the module is present: referencing this
 * class on a JVM without the module fails with a {@link LinkageError}.
 *
 * <p>Layout: {@link #prepare} interleaves the collection into panels of {@code lanes}
 * consecutive rows, element {@code k} of the panel's rows forming one vector (the last panel
 * zero-padded). Scoring is then an outer product per dimension: for each {@code k}, the
 * query elements {@code q_m[k]} are broadcast and multiplied into the panel vector, so each
 * accumulator holds {@code lanes} finished scores and no horizontal reduction is needed.
 * Register blocking: 8 queries x 2 panels = 16 FMA accumulators per inner step (10 loads per
 * 16 FMAs, 19 vector registers) where vectors have 16 lanes (AVX-512, 32 registers); 6 x 2 =
 * 12 accumulators (15 registers) otherwise, to fit AVX2's 16 registers. Panels are walked in
 * tiles of {@link #PANEL_TILE} that stay in the L2 cache while all queries of the block pass
 * over them. A last panel with padding rows is scored on its own into a scratch row, so the
 * blocks only ever store whole vectors.
 *
 * <p>Measured on 1,020 x 12,000 x 768, AVX-512 (Zen 4), one thread, Temurin 25: the
 * dot-product form (4 queries x 4 rows, 16 accumulators, one reduction per score) about
 * 80 GFLOP/s, 6 x 2 panels about 90, 8 x 2 panels about 96 (OpenBLAS sgemm: 95). Before the
 * last panel was kept apart (a masked store in the blocks), a row count that is not a multiple
 * of the lanes cost 16 % in JMH (1,000 x 1,000 x 512: 11.6 against 10.0 ms) and, in some
 * JVM runs, C2 compiled the blocks ten times slower (11 GFLOP/s); now 100 GFLOP/s either way.
 */
final class PanamaScoreKernel implements ScoreKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    /** Panels per cache tile: 4 panels of 16 rows of 768 floats are 192 KiB. */
    static final int PANEL_TILE = 4;

    /** The kernel with 6-query register blocks (fits 16 vector registers). */
    static final PanamaScoreKernel SIX_QUERIES = new PanamaScoreKernel(6);

    /** The kernel with 8-query register blocks (needs 19 vector registers). */
    static final PanamaScoreKernel EIGHT_QUERIES = new PanamaScoreKernel(8);

    /** 16 float lanes means AVX-512 and its 32 registers: room for the larger block. */
    static final PanamaScoreKernel INSTANCE = LANES >= 16 ? EIGHT_QUERIES : SIX_QUERIES;

    /** Queries per register block: 6 or 8. */
    private final int queryBlock;

    private PanamaScoreKernel(int queryBlock) {
        this.queryBlock = queryBlock;
    }

    @Override
    public String toString() {
        return "PanamaScoreKernel[" + LANES + " lanes, " + queryBlock + " queries x 2 panels]";
    }

    /** Number of float lanes per vector on this CPU (the preferred species). */
    static int lanes() {
        return LANES;
    }

    /** The collection as zero-padded panels: element k of row panel * LANES + j at (panel * dim + k) * LANES + j. */
    private static final class Panels implements Prepared {
        final float[] data;
        final int numRows;
        final int dim;
        final int numPanels;

        Panels(float[] data, int numRows, int dim, int numPanels) {
            this.data = data;
            this.numRows = numRows;
            this.dim = dim;
            this.numPanels = numPanels;
        }

        @Override
        public int numRows() {
            return numRows;
        }

        @Override
        public int dim() {
            return dim;
        }
    }

    @Override
    public Prepared prepare(float[] collection, int numRows, int dim) {
        ScoreKernels.checkCollection(collection, numRows, dim);
        int numPanels = (numRows + LANES - 1) / LANES;
        long size = (long) numPanels * LANES * dim;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                "collection of [" + numRows + "] rows of dimension [" + dim + "] is too large for one array");
        }
        float[] data = new float[(int) size];
        for (int r = 0; r < numRows; r++) {
            int base = (r / LANES) * dim * LANES + r % LANES;
            int from = r * dim;
            for (int k = 0; k < dim; k++) {
                data[base + k * LANES] = collection[from + k];
            }
        }
        return new Panels(data, numRows, dim, numPanels);
    }

    @Override
    public void scoreBlock(float[] queries, int firstQuery, int numQueries, Prepared collection, float[] out) {
        scoreBlockFrom(queries, firstQuery, numQueries, collection, out, 0);
    }

    /** Starts at the panel holding {@code firstRow}; each score is computed as in {@link #scoreBlock}. */
    @Override
    public void scoreBlockFrom(float[] queries, int firstQuery, int numQueries, Prepared collection, float[] out, int firstRow) {
        if (collection instanceof Panels == false) {
            throw new IllegalArgumentException("collection was prepared by another kernel: " + collection.getClass().getName());
        }
        Panels panels = (Panels) collection;
        int dim = panels.dim;
        // whole panels here; a last panel holding padding rows apart (into a scratch row), so that no store is ever masked
        int whole = panels.numRows / LANES;
        for (int p0 = Math.max(0, firstRow) / LANES; p0 < whole; p0 += PANEL_TILE) {
            int p1 = Math.min(whole, p0 + PANEL_TILE);
            int q = 0;
            for (; q + queryBlock <= numQueries; q += queryBlock) {
                int p = p0;
                for (; p + 2 <= p1; p += 2) {
                    if (queryBlock == 8) {
                        block8x2(queries, (firstQuery + q) * dim, panels, p, out, q);
                    } else {
                        block6x2(queries, (firstQuery + q) * dim, panels, p, out, q);
                    }
                }
                if (p < p1) {
                    for (int m = 0; m < queryBlock; m++) {
                        block1x1(queries, (firstQuery + q + m) * dim, panels, p, out, (q + m) * panels.numRows + p * LANES);
                    }
                }
            }
            for (; q < numQueries; q++) {
                for (int p = p0; p < p1; p++) {
                    block1x1(queries, (firstQuery + q) * dim, panels, p, out, q * panels.numRows + p * LANES);
                }
            }
        }
        if (whole < panels.numPanels && whole * LANES + LANES > Math.max(0, firstRow)) {
            float[] scores = new float[LANES];
            for (int q = 0; q < numQueries; q++) {
                block1x1(queries, (firstQuery + q) * dim, panels, whole, scores, 0);
                System.arraycopy(scores, 0, out, q * panels.numRows + whole * LANES, panels.numRows - whole * LANES);
            }
        }
    }

    /** Queries at {@code qa, qa + dim, ...} (8) against panels {@code p, p + 1}; output rows from {@code outQuery}. */
    private static void block8x2(float[] qs, int qa, Panels panels, int p, float[] out, int outQuery) {
        int dim = panels.dim;
        float[] x = panels.data;
        int qb = qa + dim, qc = qb + dim, qd = qc + dim, qe = qd + dim, qf = qe + dim, qg = qf + dim, qh = qg + dim;
        int x0 = p * dim * LANES;
        int x1 = x0 + dim * LANES;
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        FloatVector e0 = a0, e1 = a0, f0 = a0, f1 = a0, g0 = a0, g1 = a0, h0 = a0, h1 = a0;
        for (int k = 0; k < dim; k++) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, x0 + k * LANES);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, x1 + k * LANES);
            FloatVector w = FloatVector.broadcast(SPECIES, qs[qa + k]);
            a0 = w.fma(v0, a0);
            a1 = w.fma(v1, a1);
            w = FloatVector.broadcast(SPECIES, qs[qb + k]);
            b0 = w.fma(v0, b0);
            b1 = w.fma(v1, b1);
            w = FloatVector.broadcast(SPECIES, qs[qc + k]);
            c0 = w.fma(v0, c0);
            c1 = w.fma(v1, c1);
            w = FloatVector.broadcast(SPECIES, qs[qd + k]);
            d0 = w.fma(v0, d0);
            d1 = w.fma(v1, d1);
            w = FloatVector.broadcast(SPECIES, qs[qe + k]);
            e0 = w.fma(v0, e0);
            e1 = w.fma(v1, e1);
            w = FloatVector.broadcast(SPECIES, qs[qf + k]);
            f0 = w.fma(v0, f0);
            f1 = w.fma(v1, f1);
            w = FloatVector.broadcast(SPECIES, qs[qg + k]);
            g0 = w.fma(v0, g0);
            g1 = w.fma(v1, g1);
            w = FloatVector.broadcast(SPECIES, qs[qh + k]);
            h0 = w.fma(v0, h0);
            h1 = w.fma(v1, h1);
        }
        int n = panels.numRows;
        int r = p * LANES;
        int o = outQuery * n + r;
        store(a0, a1, out, o);
        store(b0, b1, out, o += n);
        store(c0, c1, out, o += n);
        store(d0, d1, out, o += n);
        store(e0, e1, out, o += n);
        store(f0, f1, out, o += n);
        store(g0, g1, out, o += n);
        store(h0, h1, out, o + n);
    }

    /** Queries at {@code qa, qa + dim, ...} (6) against panels {@code p, p + 1}; output rows from {@code outQuery}. */
    private static void block6x2(float[] qs, int qa, Panels panels, int p, float[] out, int outQuery) {
        int dim = panels.dim;
        float[] x = panels.data;
        int qb = qa + dim, qc = qb + dim, qd = qc + dim, qe = qd + dim, qf = qe + dim;
        int x0 = p * dim * LANES;
        int x1 = x0 + dim * LANES;
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0;
        FloatVector d0 = a0, d1 = a0, e0 = a0, e1 = a0, f0 = a0, f1 = a0;
        for (int k = 0; k < dim; k++) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, x0 + k * LANES);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, x1 + k * LANES);
            FloatVector w = FloatVector.broadcast(SPECIES, qs[qa + k]);
            a0 = w.fma(v0, a0);
            a1 = w.fma(v1, a1);
            w = FloatVector.broadcast(SPECIES, qs[qb + k]);
            b0 = w.fma(v0, b0);
            b1 = w.fma(v1, b1);
            w = FloatVector.broadcast(SPECIES, qs[qc + k]);
            c0 = w.fma(v0, c0);
            c1 = w.fma(v1, c1);
            w = FloatVector.broadcast(SPECIES, qs[qd + k]);
            d0 = w.fma(v0, d0);
            d1 = w.fma(v1, d1);
            w = FloatVector.broadcast(SPECIES, qs[qe + k]);
            e0 = w.fma(v0, e0);
            e1 = w.fma(v1, e1);
            w = FloatVector.broadcast(SPECIES, qs[qf + k]);
            f0 = w.fma(v0, f0);
            f1 = w.fma(v1, f1);
        }
        int n = panels.numRows;
        int r = p * LANES;
        int o = outQuery * n + r;
        store(a0, a1, out, o);
        store(b0, b1, out, o += n);
        store(c0, c1, out, o += n);
        store(d0, d1, out, o += n);
        store(e0, e1, out, o += n);
        store(f0, f1, out, o + n);
    }

    /**
     * One query (at {@code qa}) against panel {@code p}: its {@code LANES} scores into {@code target[offset ..]} (block
     * remainders into {@code out}; the last panel, which holds padding rows, into a scratch row of which the caller keeps the
     * real rows, so that no store is ever masked: see the class notes).
     */
    private static void block1x1(float[] qs, int qa, Panels panels, int p, float[] target, int offset) {
        int dim = panels.dim;
        float[] x = panels.data;
        int x0 = p * dim * LANES;
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int k = 0; k < dim; k++) {
            acc = FloatVector.broadcast(SPECIES, qs[qa + k]).fma(FloatVector.fromArray(SPECIES, x, x0 + k * LANES), acc);
        }
        acc.intoArray(target, offset);
    }

    /** Stores the scores of two whole panels, the first one's row 0 at {@code out[o]}. */
    private static void store(FloatVector first, FloatVector second, float[] out, int o) {
        first.intoArray(out, o);
        second.intoArray(out, o + LANES);
    }

    @Override
    public void countAhead(float[] scores, int offset, int length, int[] items, int[] aheadOut) {
        for (int k = 0; k < items.length; k++) {
            int p = items[k];
            float sp = scores[offset + p];
            FloatVector vp = FloatVector.broadcast(SPECIES, sp);
            int ahead = 0;
            // Items before p tie-break ahead of it (index ascending): count s_i >= s_p there,
            // and s_i > s_p after it; p itself counts in neither range.
            int bound = SPECIES.loopBound(p);
            int i = 0;
            for (; i < bound; i += LANES) {
                ahead += FloatVector.fromArray(SPECIES, scores, offset + i).compare(VectorOperators.GE, vp).trueCount();
            }
            for (; i < p; i++) {
                if (scores[offset + i] >= sp) {
                    ahead++;
                }
            }
            i = p + 1;
            int end = i + SPECIES.loopBound(length - i);
            for (; i < end; i += LANES) {
                ahead += FloatVector.fromArray(SPECIES, scores, offset + i).compare(VectorOperators.GT, vp).trueCount();
            }
            for (; i < length; i++) {
                if (scores[offset + i] > sp) {
                    ahead++;
                }
            }
            aheadOut[k] = ahead;
        }
    }
}
