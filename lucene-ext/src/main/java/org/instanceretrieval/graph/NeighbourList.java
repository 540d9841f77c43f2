package org.instanceretrieval.graph;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * One document's stored top-k neighbour list: neighbours identified by their document
 * {@code _id} and a similarity, in ranking order. The list was ranked at build time by
 * similarity descending, then global ordinal ascending; the ordinal is not stored, so the
 * check here is similarity non-increasing (equal similarities may be in any id order).
 *
 * <p>Contract, validated by the constructor (and so for every decoded list): ids non-null,
 * 1 to {@value #MAX_ID_BYTES} bytes of well-formed UTF-8 (no unpaired surrogates), distinct;
 * similarities finite and non-increasing ({@code -0.0} is stored as {@code 0.0}); one
 * similarity per id; any length, including empty. Immutable; array accessors return copies.
 */
public final class NeighbourList {

    /** Longest document id accepted, in UTF-8 bytes (Elasticsearch's {@code _id} limit). */
    public static final int MAX_ID_BYTES = 512;

    private static final NeighbourList EMPTY = new NeighbourList(new String[0], new float[0]);

    private final String[] ids;
    private final byte[][] utf8;
    private final float[] similarities;

    /**
     * @param ids          neighbour document ids, in ranking order; copied
     * @param similarities their similarities, aligned with {@code ids}; copied
     * @throws IllegalArgumentException on a null array or id, a length mismatch, an id that is
     *     empty, longer than {@value #MAX_ID_BYTES} UTF-8 bytes, not encodable or repeated, a
     *     non-finite similarity, or similarities that increase
     */
    public NeighbourList(String[] ids, float[] similarities) {
        this(requireAligned(ids, similarities).clone(), encode(ids), similarities.clone());
    }

    /**
     * Takes ownership of the arrays (the decoder's: ids decoded from {@code utf8}, which is
     * well-formed UTF-8); checks id lengths, distinct ids and the similarity order.
     */
    NeighbourList(String[] ids, byte[][] utf8, float[] similarities) {
        Set<String> seen = new HashSet<>(2 * ids.length);
        for (int t = 0; t < ids.length; t++) {
            requireIdLength(utf8[t].length, t);
            if (seen.add(ids[t]) == false) {
                throw new IllegalArgumentException("neighbour id [" + ids[t] + "] occurs more than once");
            }
            requireSimilarity(similarities[t], t, t == 0 ? Float.POSITIVE_INFINITY : similarities[t - 1]);
            similarities[t] += 0f;
        }
        this.ids = ids;
        this.utf8 = utf8;
        this.similarities = similarities;
    }

    private static String[] requireAligned(String[] ids, float[] similarities) {
        if (ids == null || similarities == null) {
            throw new IllegalArgumentException("neighbour ids and similarities must not be null");
        }
        if (ids.length != similarities.length) {
            throw new IllegalArgumentException("[" + ids.length + "] neighbour ids but [" + similarities.length + "] similarities");
        }
        return ids;
    }

    private static byte[][] encode(String[] ids) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[][] utf8 = new byte[ids.length][];
        for (int t = 0; t < ids.length; t++) {
            if (ids[t] == null) {
                throw new IllegalArgumentException("neighbour id at rank " + t + " is null");
            }
            try {
                java.nio.ByteBuffer encoded = encoder.encode(CharBuffer.wrap(ids[t]));
                utf8[t] = new byte[encoded.remaining()];
                encoded.get(utf8[t]);
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("neighbour id at rank " + t + " is not valid UTF-16 text (unpaired surrogate)", e);
            }
        }
        return utf8;
    }

    /** The empty list (a document without neighbours). */
    public static NeighbourList empty() {
        return EMPTY;
    }

    static void requireIdLength(int bytes, int rank) {
        if (bytes < 1 || bytes > MAX_ID_BYTES) {
            throw new IllegalArgumentException(
                "neighbour id at rank " + rank + " has [" + bytes + "] UTF-8 bytes; it must have 1 to " + MAX_ID_BYTES);
        }
    }

    static void requireSimilarity(float s, int rank, float previous) {
        if (Float.isFinite(s) == false) {
            throw new IllegalArgumentException("neighbour similarity [" + s + "] at rank " + rank + " is not finite");
        }
        if (s > previous) {
            throw new IllegalArgumentException("neighbour similarities not in ranking order (descending) at rank " + rank
                + ": [" + previous + "] then [" + s + "]");
        }
    }

    /** Number of neighbours. */
    public int size() {
        return ids.length;
    }

    /** Id of the neighbour at rank {@code t}. */
    public String id(int t) {
        return ids[t];
    }

    /** Similarity of the neighbour at rank {@code t}. */
    public float similarity(int t) {
        return similarities[t];
    }

    /** The ids in ranking order (a copy). */
    public String[] ids() {
        return ids.clone();
    }

    /** The similarities in ranking order (a copy). */
    public float[] similarities() {
        return similarities.clone();
    }

    /** The first {@code min(k, size())} entries. */
    public NeighbourList head(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("number of neighbours must be >= 0 but was [" + k + "]");
        }
        if (k >= ids.length) {
            return this;
        }
        return new NeighbourList(java.util.Arrays.copyOf(ids, k), java.util.Arrays.copyOf(similarities, k));
    }

    /** UTF-8 bytes of the id at rank {@code t} (not copied: package use only). */
    byte[] utf8(int t) {
        return utf8[t];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NeighbourList
            && java.util.Arrays.equals(ids, ((NeighbourList) o).ids)
            && java.util.Arrays.equals(similarities, ((NeighbourList) o).similarities);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(ids) + java.util.Arrays.hashCode(similarities);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("NeighbourList[");
        for (int t = 0; t < ids.length; t++) {
            b.append(t == 0 ? "" : ", ").append(ids[t]).append(':').append(similarities[t]);
        }
        return b.append(']').toString();
    }
}
