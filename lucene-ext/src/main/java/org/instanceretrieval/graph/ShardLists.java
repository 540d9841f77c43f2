package org.instanceretrieval.graph;

/**
 * One shard's stored neighbour lists as its doc values hold them, in the shard's order: document {@code i}'s {@code _id}, its
 * custom routing (null without one) and its list's {@link NeighbourListCodec} bytes {@code data()[offset(i) .. offset(i) +
 * length(i))}. What {@link StoredGraph#of} assembles a whole graph from.
 */
public interface ShardLists {

    /** The number of documents listed. */
    int size();

    String id(int i);

    /** The custom routing of document {@code i}, null without one. */
    String routing(int i);

    /** The encoded lists of every document, back to back. */
    byte[] data();

    int offset(int i);

    int length(int i);
}
