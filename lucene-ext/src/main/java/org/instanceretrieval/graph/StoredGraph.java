package org.instanceretrieval.graph;

import org.instanceretrieval.memory.Reservation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole stored neighbour graph in compact form, as the plugin's node cache keeps it ({@link #of} its shards' lists): every
 * document that holds a list, by <em>ordinal</em> = rank of its {@code _id} in {@link String#compareTo} order (so the
 * ordinals do not depend on the sharding),
 * and each document's list as CSR rows of neighbour ordinals and float similarities, in stored order (similarity descending,
 * then id). Neighbours that hold no list themselves (deleted since the build) are dropped from the rows.
 *
 * <p>Memory ({@link #bytes}): {@code N * (8 + 4 + 56) + sum of id lengths + E * (4 + 4)} bytes for N documents and E stored
 * entries (about {@code N * (68 + id length + 8 k)}), plus {@code 8 N} and the routing strings when documents have a custom
 * routing ({@link #routing}: the writers of per-document results update each document with it). Immutable.
 */
public final class StoredGraph {

    private final String[] ids;
    /** The custom routing of each ordinal (null elements: none); null when no document has one. */
    private final String[] routings;
    private final int[] rowStart;
    private final int[] columns;
    private final float[] similarities;

    private StoredGraph(String[] ids, String[] routings, int[] rowStart, int[] columns, float[] similarities) {
        this.ids = ids;
        this.routings = routings;
        this.rowStart = rowStart;
        this.columns = columns;
        this.similarities = similarities;
    }

    /** Heap of a graph of these ids and {@code entries} stored entries (see the class notes). */
    public static long bytes(String[] ids, long entries) {
        long b = 64L + 68L * ids.length + 8L * entries;
        for (String id : ids) {
            b += id.length();
        }
        return b;
    }

    /** Heap this graph holds, its routings included. */
    public long bytes() {
        long b = bytes(ids, columns.length);
        if (routings != null) {
            b += 16L + 8L * routings.length;
            for (String routing : routings) {
                b += routing == null ? 0 : 56L + routing.length();
            }
        }
        return b;
    }

    /**
     * The graph of every shard's lists. {@code storedK} (the marker's k) bounds each list's length, so {@code N * storedK}
     * entries are charged to {@code memory} before the rows are allocated; the transient map of ids is charged too.
     *
     * @throws IllegalStateException if an {@code _id} occurs in two shards, or a list is longer than {@code storedK}
     * @throws IllegalArgumentException if a stored list is malformed
     */
    public static StoredGraph of(List<? extends ShardLists> shards, int storedK, Reservation memory) {
        int n = 0;
        for (ShardLists shard : shards) {
            n += shard.size();
        }
        long capacity = (long) n * storedK;
        String[] ids = new String[n];
        int[] shardOf = new int[n];
        int[] docOf = new int[n];
        memory.grow(bytes(new String[0], capacity) + 80L * n, "stored graph rows of " + n + " documents, k " + storedK);
        Integer[] order = new Integer[n];
        int t = 0;
        for (int s = 0; s < shards.size(); s++) {
            for (int i = 0; i < shards.get(s).size(); i++, t++) {
                ids[t] = shards.get(s).id(i);
                shardOf[t] = s;
                docOf[t] = i;
                order[t] = t;
            }
        }
        Arrays.sort(order, (a, b) -> ids[a].compareTo(ids[b]));
        String[] sorted = new String[n];
        String[] routings = null;
        Map<String, Integer> ordinalOf = new HashMap<>(2 * n);
        for (int o = 0; o < n; o++) {
            sorted[o] = ids[order[o]];
            String routing = shards.get(shardOf[order[o]]).routing(docOf[order[o]]);
            if (routing != null) {
                if (routings == null) {
                    memory.grow(16L + 8L * n, "routings of the stored graph of " + n + " documents");
                    routings = new String[n];
                }
                routings[o] = routing;
            }
            if (o > 0 && sorted[o].equals(sorted[o - 1])) {
                throw new IllegalStateException("document id [" + sorted[o] + "] holds a neighbour list in two shards");
            }
            ordinalOf.put(sorted[o], o);
        }
        int[] rowStart = new int[n + 1];
        int[] columns = new int[(int) Math.min(capacity, Integer.MAX_VALUE - 8)];
        float[] sims = new float[columns.length];
        int used = 0;
        for (int o = 0; o < n; o++) {
            int at = order[o];
            ShardLists shard = shards.get(shardOf[at]);
            int doc = docOf[at];
            NeighbourList list = NeighbourListCodec.decode(shard.data(), shard.offset(doc), shard.length(doc));
            if (list.size() > storedK) {
                throw new IllegalStateException("the list of document [" + sorted[o] + "] holds [" + list.size()
                    + "] neighbours, more than the graph's k [" + storedK + "]");
            }
            for (int e = 0; e < list.size(); e++) {
                Integer j = ordinalOf.get(list.id(e));
                if (j != null) {
                    columns[used] = j;
                    sims[used++] = list.similarity(e);
                }
            }
            rowStart[o + 1] = used;
        }
        if (used < columns.length) {
            columns = Arrays.copyOf(columns, used);
            sims = Arrays.copyOf(sims, used);
        }
        return new StoredGraph(sorted, routings, rowStart, columns, sims);
    }

    /** Number of documents (ordinals). */
    public int size() {
        return ids.length;
    }

    /** Number of stored entries kept. */
    public int entries() {
        return columns.length;
    }

    /** The {@code _id} of ordinal {@code o}. */
    public String id(int o) {
        return ids[o];
    }

    /** The custom routing of ordinal {@code o}, null without one. */
    public String routing(int o) {
        return routings == null ? null : routings[o];
    }

    /** The ordinal of {@code id}, or -1 when it holds no list. */
    public int ordinal(String id) {
        int o = Arrays.binarySearch(ids, id);
        return o >= 0 ? o : -1;
    }

    /** Length of ordinal {@code o}'s row. */
    public int rowLength(int o) {
        return rowStart[o + 1] - rowStart[o];
    }

    /** Neighbour ordinal at rank {@code t} of row {@code o}. */
    public int neighbour(int o, int t) {
        return columns[rowStart[o] + t];
    }

    /** Stored similarity at rank {@code t} of row {@code o}. */
    public float similarity(int o, int t) {
        return similarities[rowStart[o] + t];
    }
}
