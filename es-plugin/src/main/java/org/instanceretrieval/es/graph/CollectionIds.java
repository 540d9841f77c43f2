package org.instanceretrieval.es.graph;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.vectors.ShardVectorIdsAction;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The documents of a graph build: every document with a vector in the field, across all shards, by ordinal = rank of its
 * {@code _id} in {@link String#compareTo} order (so ties broken by ordinal are ties broken by {@code _id}, whatever the shard
 * layout), with the shard holding it and its custom routing (null without). Immutable; arrays are not exposed.
 */
public final class CollectionIds {

    private final String[] ids;
    private final String[] routings;
    private final int[] shards;
    private final int dims;

    private CollectionIds(String[] ids, String[] routings, int[] shards, int dims) {
        this.ids = ids;
        this.routings = routings;
        this.shards = shards;
        this.dims = dims;
    }

    /** The bytes one document costs here and in the shard responses: {@code 64 + 2 x id length} (+ the same for a routing). */
    public static long bytesPerDocument(String id, String routing) {
        return 64L + 2L * id.length() + (routing == null ? 0 : 56L + 2L * routing.length());
    }

    /**
     * Merges the shards' sorted ids ({@code responses[s]} from shard s).
     *
     * @throws ElasticsearchStatusException 400 when an {@code _id} occurs in two shards (custom routing): the graph identifies
     *     documents by {@code _id}
     */
    public static CollectionIds merge(String index, String field, ShardVectorIdsAction.Result[] responses) {
        int total = 0;
        int dims = 0;
        for (ShardVectorIdsAction.Result r : responses) {
            total += r.ids().length;
            dims = Math.max(dims, r.dims());
        }
        String[] ids = new String[total];
        String[] routings = new String[total];
        int[] shards = new int[total];
        int[] position = new int[responses.length];
        PriorityQueue<Integer> heads = new PriorityQueue<>((a, b) -> {
            int c = responses[a].ids()[position[a]].compareTo(responses[b].ids()[position[b]]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int s = 0; s < responses.length; s++) {
            if (responses[s].ids().length > 0) {
                heads.add(s);
            }
        }
        for (int o = 0; o < total; o++) {
            int s = heads.poll();
            ids[o] = responses[s].ids()[position[s]];
            routings[o] = responses[s].routings()[position[s]];
            shards[o] = s;
            if (o > 0 && ids[o].equals(ids[o - 1])) {
                throw new ElasticsearchStatusException("document id [{}] occurs in shards [{}] and [{}] of index [{}] (custom routing); the "
                    + "neighbour graph of [{}] identifies documents by _id, which must be unique in the index", RestStatus.BAD_REQUEST,
                    ids[o], shards[o - 1], s, index, field);
            }
            if (++position[s] < responses[s].ids().length) {
                heads.add(s);
            }
        }
        return new CollectionIds(ids, routings, shards, dims);
    }

    /** Number of documents. */
    public int size() {
        return ids.length;
    }

    /** The vectors' dimension. */
    public int dims() {
        return dims;
    }

    public String id(int ordinal) {
        return ids[ordinal];
    }

    /** Custom routing of the document, null without. */
    public String routing(int ordinal) {
        return routings[ordinal];
    }

    public int shard(int ordinal) {
        return shards[ordinal];
    }

    /** The ordinal of {@code id}, or a negative number when it is not a document of the build. */
    public int ordinal(String id) {
        return Arrays.binarySearch(ids, id);
    }
}
