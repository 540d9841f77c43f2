package org.instanceretrieval.graph;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A window's stored neighbour lists resolved to window positions: for window item i, the positions j != i of the window
 * items named among the first {@code k} entries of i's stored list, ascending, each with the similarity i's list stores for
 * it. Entries naming documents outside the window are dropped (never replaced). This is what {@link StoredGraphDiffusion}
 * needs of the lists; building it from the encoded bytes ({@link Builder#add(int, byte[], int, int)}) allocates no id
 * strings and no {@link NeighbourList}s. Immutable once built.
 */
public final class WindowNeighbours {

    private final String[] ids;
    private final int k;
    private final int[][] positions;
    private final float[][] similarities;

    private WindowNeighbours(String[] ids, int k, int[][] positions, float[][] similarities) {
        this.ids = ids;
        this.k = k;
        this.positions = positions;
        this.similarities = similarities;
    }

    /**
     * A builder over a window of distinct document ids (first-stage order) that keeps the first {@code k} entries of each list.
     *
     * @throws IllegalArgumentException on a null array or id, a repeated id, or k &lt; 1
     */
    public static Builder builder(String[] windowIds, int k) {
        return new Builder(windowIds, k);
    }

    /** Number of window items. */
    public int size() {
        return positions.length;
    }

    /** Entries of each list that were considered (the first k). */
    public int k() {
        return k;
    }

    /** The document id of window position {@code i}. */
    public String id(int i) {
        return ids[i];
    }

    /** Item i's in-window neighbours, positions ascending, a copy. */
    public int[] neighbours(int i) {
        return positions[i].clone();
    }

    /** The stored similarities aligned with {@link #neighbours(int)}, a copy. */
    public float[] neighbourSimilarities(int i) {
        return similarities[i].clone();
    }

    /** Item i's in-window neighbours, positions ascending (not copied: package use only). */
    int[] positions(int i) {
        return positions[i];
    }

    /** The stored similarities aligned with {@link #positions(int)} (not copied: package use only). */
    float[] similarities(int i) {
        return similarities[i];
    }

    /**
     * Collects the lists of one window, item by item, in any order; an item never added has no neighbours. Not thread-safe;
     * use once.
     */
    public static final class Builder {
        private final String[] ids;
        private final int k;
        /** The window ids' UTF-8, concatenated; id i is {@code pool[idStart[i] .. idStart[i + 1])}. */
        private final byte[] pool;
        private final int[] idStart;
        /** Open addressing (linear probing) over the ids: window position, or -1 for an empty slot. */
        private final int[] table;
        private final NeighbourListCodec.EntryVisitor visitor = this::entry;
        private final int[][] positions;
        private final float[][] similarities;
        private long[] packed = new long[16];
        private float[] stored = new float[16];
        private int kept;
        private int item;

        private Builder(String[] windowIds, int k) {
            if (windowIds == null) {
                throw new IllegalArgumentException("window ids must not be null");
            }
            if (k < 1) {
                throw new IllegalArgumentException("neighbours per list [k] must be >= 1 but was [" + k + "]");
            }
            this.ids = windowIds.clone();
            this.k = k;
            int r = ids.length;
            byte[][] utf8 = new byte[r][];
            this.idStart = new int[r + 1];
            for (int i = 0; i < r; i++) {
                if (ids[i] == null) {
                    throw new IllegalArgumentException("window id at position " + i + " is null");
                }
                utf8[i] = ids[i].getBytes(StandardCharsets.UTF_8);
                idStart[i + 1] = idStart[i] + utf8[i].length;
            }
            this.pool = new byte[idStart[r]];
            for (int i = 0; i < r; i++) {
                System.arraycopy(utf8[i], 0, pool, idStart[i], utf8[i].length);
            }
            this.table = new int[Integer.highestOneBit(Math.max(4 * r, 4) - 1) << 1];
            Arrays.fill(table, -1);
            int mask = table.length - 1;
            for (int i = 0; i < r; i++) {
                int slot = hash(pool, idStart[i], utf8[i].length) & mask;
                while (table[slot] >= 0) {
                    int other = table[slot];
                    if (Arrays.equals(pool, idStart[other], idStart[other + 1], pool, idStart[i], idStart[i + 1])) {
                        throw new IllegalArgumentException("window id [" + ids[i] + "] occurs at positions " + other + " and " + i);
                    }
                    slot = (slot + 1) & mask;
                }
                table[slot] = i;
            }
            this.positions = new int[r][];
            this.similarities = new float[r][];
        }

        /**
         * Item {@code i}'s list as encoded by {@link NeighbourListCodec} in {@code bytes[offset .. offset + length)} (e.g. a doc
         * value); only its first k entries are read ({@link NeighbourListCodec#scan}).
         *
         * @throws IllegalArgumentException if i is out of range or already added, or the list is malformed or names a window
         *     item twice
         */
        public Builder add(int i, byte[] bytes, int offset, int length) {
            start(i);
            int visited = NeighbourListCodec.scan(bytes, offset, length, k, visitor);
            finish(i, visited);
            return this;
        }

        /** Item {@code i}'s decoded list (its first k entries); as {@link #add(int, byte[], int, int)}. */
        public Builder add(int i, NeighbourList list) {
            if (list == null) {
                throw new IllegalArgumentException("neighbour list of window item [" + (i >= 0 && i < ids.length ? ids[i] : i) + "] is null");
            }
            start(i);
            int visit = Math.min(k, list.size());
            for (int t = 0; t < visit; t++) {
                byte[] utf8 = list.utf8(t);
                entry(t, utf8, 0, utf8.length, list.similarity(t));
            }
            finish(i, visit);
            return this;
        }

        private void start(int i) {
            if (i < 0 || i >= ids.length) {
                throw new IllegalArgumentException("window position [" + i + "] is out of range [0, " + ids.length + ")");
            }
            if (positions[i] != null) {
                throw new IllegalArgumentException("neighbour list of window item [" + ids[i] + "] was already added");
            }
            item = i;
            kept = 0;
        }

        private static int hash(byte[] bytes, int offset, int length) {
            int h = length;
            for (int b = offset; b < offset + length; b++) {
                h = 31 * h + bytes[b];
            }
            // murmur3's finaliser: short decimal ids differ in few low bits, which linear probing needs spread
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            h *= 0xc2b2ae35;
            return h ^ (h >>> 16);
        }

        /** Window position of the id in {@code bytes[offset .. offset + length)}, or -1. */
        private int find(byte[] bytes, int offset, int length) {
            int mask = table.length - 1;
            int slot = hash(bytes, offset, length) & mask;
            int j;
            while ((j = table[slot]) >= 0) {
                if (Arrays.equals(pool, idStart[j], idStart[j + 1], bytes, offset, offset + length)) {
                    return j;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        private void entry(int rank, byte[] bytes, int idOffset, int idLength, float similarity) {
            int j = find(bytes, idOffset, idLength);
            if (j < 0 || j == item) {
                return;
            }
            if (kept == packed.length) {
                packed = Arrays.copyOf(packed, 2 * kept);
                stored = Arrays.copyOf(stored, 2 * kept);
            }
            packed[kept] = ((long) j << 32) | kept;
            stored[kept++] = similarity;
        }

        private void finish(int i, int visited) {
            Arrays.sort(packed, 0, kept);
            int[] row = new int[kept];
            float[] sims = new float[kept];
            for (int t = 0; t < kept; t++) {
                row[t] = (int) (packed[t] >>> 32);
                sims[t] = stored[(int) packed[t]];
                if (t > 0 && row[t] == row[t - 1]) {
                    throw new IllegalArgumentException("malformed neighbour list of window item [" + ids[i] + "]: neighbour id ["
                        + ids[row[t]] + "] occurs more than once");
                }
            }
            positions[i] = row;
            similarities[i] = sims;
        }

        /** The resolved window; items never added get no neighbours. */
        public WindowNeighbours build() {
            int[][] rows = positions.clone();
            float[][] sims = similarities.clone();
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == null) {
                    rows[i] = new int[0];
                    sims[i] = new float[0];
                }
            }
            return new WindowNeighbours(ids, k, rows, sims);
        }
    }
}
