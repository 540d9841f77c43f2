package org.instanceretrieval.diffusion;

import org.apache.lucene.util.VectorUtil;

import java.util.stream.LongStream;

/**
 * Exact brute-force {@link NeighbourSearch}: every dot product through Lucene's
 * {@link VectorUtil#dotProduct(float[], float[])}, a bounded heap ({@link TopK}) per row, the
 * deterministic tie order of the definitions (similarity descending, index ascending).
 *
 * <p>{@link #allNearest} splits the upper triangle of the similarity matrix into tiles of
 * {@value #ROW_BLOCK} x {@value #ROW_BLOCK} rows processed in a parallel stream (the common
 * fork-join pool plus the caller), so all cores are used; each dot product is computed once and
 * offered to both rows' heaps (n (n - 1) / 2 dot products), and a tile's 64 vectors stay in
 * cache. Stateless and thread-safe.
 */
public final class BruteForceNeighbourSearch implements NeighbourSearch {

    /** Tile side: two blocks of 32 vectors of 512 floats (128 KB) stay in L2. */
    static final int ROW_BLOCK = 32;

    /** The shared instance (the class is stateless). */
    public static final BruteForceNeighbourSearch INSTANCE = new BruteForceNeighbourSearch();

    private BruteForceNeighbourSearch() {}

    @Override
    public Neighbours nearest(float[][] database, float[] query, int k) {
        TopK top = new TopK(Math.min(k, database.length));
        for (int j = 0; j < database.length; j++) {
            top.offer(j, VectorUtil.dotProduct(query, database[j]));
        }
        return top.drain();
    }

    @Override
    public Neighbours[] allNearest(float[][] database, int k) {
        int n = database.length;
        int kept = Math.max(0, Math.min(k, n - 1));
        TopK[] tops = new TopK[n];
        for (int i = 0; i < n; i++) {
            tops[i] = new TopK(kept);
        }
        int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
        Object[] locks = new Object[blocks];
        for (int b = 0; b < blocks; b++) {
            locks[b] = new Object();
        }
        // Tiles (I, J) with I <= J: each dot product is computed once and offered to both rows.
        // A bounded heap keeps the k best under a total order whatever the offer order, so the
        // parallel schedule cannot change the result.
        long tiles = (long) blocks * (blocks + 1) / 2;
        LongStream.range(0, tiles).parallel().forEach(tile -> {
            int rowBlock = rowBlockOf(tile, blocks);
            int colBlock = (int) (tile - firstTileOf(rowBlock, blocks)) + rowBlock;
            int iFrom = rowBlock * ROW_BLOCK;
            int iTo = Math.min(n, iFrom + ROW_BLOCK);
            int jFrom = colBlock * ROW_BLOCK;
            int jTo = Math.min(n, jFrom + ROW_BLOCK);
            float[] scores = new float[(iTo - iFrom) * (jTo - jFrom)];
            int width = jTo - jFrom;
            for (int j = jFrom; j < jTo; j++) {
                float[] candidate = database[j];
                int iEnd = rowBlock == colBlock ? j : iTo; // diagonal tile: pairs i < j only
                for (int i = iFrom; i < iEnd; i++) {
                    scores[(i - iFrom) * width + (j - jFrom)] = VectorUtil.dotProduct(database[i], candidate);
                }
            }
            synchronized (locks[rowBlock]) {
                for (int i = iFrom; i < iTo; i++) {
                    int jStart = rowBlock == colBlock ? i + 1 : jFrom;
                    for (int j = jStart; j < jTo; j++) {
                        tops[i].offer(j, scores[(i - iFrom) * width + (j - jFrom)]);
                    }
                }
            }
            synchronized (locks[colBlock]) {
                for (int j = jFrom; j < jTo; j++) {
                    int iEnd = rowBlock == colBlock ? j : iTo;
                    for (int i = iFrom; i < iEnd; i++) {
                        tops[j].offer(i, scores[(i - iFrom) * width + (j - jFrom)]);
                    }
                }
            }
        });
        Neighbours[] result = new Neighbours[n];
        for (int i = 0; i < n; i++) {
            result[i] = tops[i].drain();
        }
        return result;
    }

    /** Index of the first tile of row block {@code b} in the row-major upper-triangle tile order. */
    static long firstTileOf(int b, int blocks) {
        // rows 0..b-1 hold blocks, blocks-1, ..., blocks-b+1 tiles
        return (long) b * blocks - (long) b * (b - 1) / 2;
    }

    /** Row block of a tile index (binary search over {@link #firstTileOf}). */
    static int rowBlockOf(long tile, int blocks) {
        int lo = 0;
        int hi = blocks - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstTileOf(mid, blocks) <= tile) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
