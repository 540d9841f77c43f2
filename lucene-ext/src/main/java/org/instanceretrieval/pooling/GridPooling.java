package org.instanceretrieval.pooling;

/**
 * Spatial max-pooling over a fixed n x n grid of cells (Razavian et al., section 3.2; retrieval
 * definitions, Pooling, "Spatial max-pooling grids ... 1x1 and 2x2 grids of cells,
 * concatenated"): the map is divided into n x n cells, each cell is pooled (MAC by default) and
 * the cell vectors are concatenated, giving {@code n * n * C} values, not normalised. 1x1 is
 * plain MAC (512-d for VGG), 2x2 gives {@code 4C} (2048-d).
 *
 * <p><b>Cell boundaries</b> follow PyTorch's {@code adaptive_max_pool2d}: along a side of
 * length S, cell {@code i} (0-based) covers {@code [floor(i*S/n), ceil((i+1)*S/n))}. When n
 * divides S the cells tile the side exactly; otherwise neighbouring cells share the boundary
 * row or column (for S = 3, n = 2: rows {0, 1} and {1, 2}), so no cell is empty even when
 * S {@literal <} n. Output order: cells row by row (top-left, top-right, bottom-left, bottom-right for
 * 2x2), each cell's C values contiguous.
 */
public final class GridPooling implements Pooling {

    private final int cellsPerSide;
    private final Pooling cellPooling;

    /**
     * An n x n grid of MAC cells.
     *
     * @throws IllegalArgumentException if {@code cellsPerSide < 1}
     */
    public GridPooling(int cellsPerSide) {
        this(cellsPerSide, new MacPooling());
    }

    /**
     * An n x n grid whose cells are pooled with {@code cellPooling}.
     *
     * @throws IllegalArgumentException if {@code cellsPerSide < 1} or {@code cellPooling} is null
     */
    public GridPooling(int cellsPerSide, Pooling cellPooling) {
        if (cellsPerSide < 1) {
            throw new IllegalArgumentException("grid cells per side must be >= 1 but was " + cellsPerSide);
        }
        if (cellPooling == null) {
            throw new IllegalArgumentException("cell pooling must not be null");
        }
        this.cellsPerSide = cellsPerSide;
        this.cellPooling = cellPooling;
    }

    /** Razavian et al.'s 1x1 spatial max-pooling. */
    public static GridPooling oneByOne() {
        return new GridPooling(1);
    }

    /** Razavian et al.'s 2x2 spatial max-pooling. */
    public static GridPooling twoByTwo() {
        return new GridPooling(2);
    }

    /** Cells per side, n. */
    public int cellsPerSide() {
        return cellsPerSide;
    }

    /** The cells of an n x n grid over a width x height map, row by row. */
    public Region[] cells(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("map size must be positive but was width=" + width + ", height=" + height);
        }
        Region[] cells = new Region[cellsPerSide * cellsPerSide];
        for (int row = 0; row < cellsPerSide; row++) {
            int y0 = cellStart(row, height);
            int y1 = cellEnd(row, height);
            for (int col = 0; col < cellsPerSide; col++) {
                int x0 = cellStart(col, width);
                int x1 = cellEnd(col, width);
                cells[row * cellsPerSide + col] = new Region(x0, y0, x1 - x0, y1 - y0);
            }
        }
        return cells;
    }

    private int cellStart(int i, int size) {
        return (int) Math.floorDiv((long) i * size, cellsPerSide);
    }

    private int cellEnd(int i, int size) {
        return (int) -Math.floorDiv(-(long) (i + 1) * size, cellsPerSide); // ceil
    }

    @Override
    public float[] pool(FeatureMap map) {
        Region[] cells = cells(map.width(), map.height());
        float[] out = null;
        int dim = -1;
        for (int k = 0; k < cells.length; k++) {
            float[] v = cellPooling.pool(map.region(cells[k]));
            if (out == null) {
                dim = v.length;
                out = new float[cells.length * dim];
            } else if (v.length != dim) {
                throw new IllegalArgumentException("cell pooling gave dimension " + v.length + " after " + dim);
            }
            System.arraycopy(v, 0, out, k * dim, dim);
        }
        return out;
    }

    @Override
    public String toString() {
        return "GridPooling[" + cellsPerSide + "x" + cellsPerSide + ", cell=" + cellPooling + "]";
    }
}
