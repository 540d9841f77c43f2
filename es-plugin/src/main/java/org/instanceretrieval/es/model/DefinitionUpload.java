package org.instanceretrieval.es.model;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The progress of a model definition upload, and the rules every part must follow. Immutable:
 * {@link #accept} returns the next state.
 * <p>
 * The totals ({@code total_parts} n, {@code total_definition_length} L, {@code sha256}) are
 * fixed by the first part and every later part must repeat them. Parts may arrive in any order;
 * each index in [0, n) is stored once (a second upload of a stored part is 409). Part sizes
 * (decoded bytes): every part but the last has the same size S, the last has
 * {@code L - (n-1) S} bytes, between 1 and S; S is at most {@value #MAX_PART_BYTES}
 * (10 MiB). S is fixed by the first non-last part to arrive; a last part arriving first fixes it
 * too when n &gt; 1 ({@code S = (L - last) / (n-1)} must be a whole number at least as large as
 * the last part). A single-part model has exactly L bytes. So any chunking of the file into
 * equal chunks with a shorter tail is accepted, and any part of a different size is refused on
 * arrival.
 */
public final class DefinitionUpload {

    /** Largest decoded part: 10 MiB. */
    public static final int MAX_PART_BYTES = 10 * 1024 * 1024;
    /** Largest model: the largest Java byte array (2^31 - 9 bytes, just under 2 GiB; ONNX's protobuf limit is 2 GiB). */
    public static final long MAX_TOTAL_BYTES = Integer.MAX_VALUE - 8L;
    /** Most parts per model (bounds the list of stored parts kept in the model document). */
    public static final int MAX_PARTS = 10_000;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final int totalParts;
    private final long totalLength;
    private final String sha256;
    private final long partSize;
    private final int[] uploaded;

    /**
     * @param partSize S once known, 0 before
     * @param uploaded the indices of the stored parts, ascending
     */
    public DefinitionUpload(int totalParts, long totalLength, String sha256, long partSize, int[] uploaded) {
        this.totalParts = totalParts;
        this.totalLength = totalLength;
        this.sha256 = sha256;
        this.partSize = partSize;
        this.uploaded = uploaded.clone();
    }

    /**
     * Validates the totals of a part request (the same checks for every part) and returns an
     * upload with no part stored yet.
     *
     * @throws IllegalArgumentException (400) naming the field
     */
    public static DefinitionUpload start(int totalParts, long totalLength, String sha256) {
        if (totalParts < 1 || totalParts > MAX_PARTS) {
            throw new IllegalArgumentException("[total_parts] must be in [1, " + MAX_PARTS + "], got " + totalParts);
        }
        if (totalLength < 1 || totalLength > MAX_TOTAL_BYTES) {
            throw new IllegalArgumentException("[total_definition_length] must be in [1, " + MAX_TOTAL_BYTES + "] bytes, got " + totalLength);
        }
        if (totalParts > totalLength) {
            throw new IllegalArgumentException("[total_parts] " + totalParts + " exceeds [total_definition_length] " + totalLength
                + ": every part holds at least one byte");
        }
        if ((totalLength + MAX_PART_BYTES - 1) / MAX_PART_BYTES > totalParts) {
            throw new IllegalArgumentException("[total_parts] " + totalParts + " is too few for [total_definition_length] " + totalLength
                + ": parts hold at most " + MAX_PART_BYTES + " bytes");
        }
        String hex = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        if (hex == null || SHA256_HEX.matcher(hex).matches() == false) {
            throw new IllegalArgumentException("[sha256] must be the 64 hexadecimal digits of the SHA-256 of the whole definition, got [" + sha256 + "]");
        }
        return new DefinitionUpload(totalParts, totalLength, hex, 0, new int[0]);
    }

    /**
     * The upload after storing part {@code part} of {@code length} decoded bytes, sent with the
     * totals of {@code request} (from {@link #start}).
     *
     * @throws IllegalArgumentException (400) on totals that differ from earlier parts, a part
     *     index out of range, or a part of the wrong size
     * @throws ElasticsearchStatusException (409) when the part is already stored
     */
    public DefinitionUpload accept(String modelId, int part, long length, DefinitionUpload request) {
        if (request.totalParts != totalParts) {
            throw differs("total_parts", request.totalParts, totalParts, modelId);
        }
        if (request.totalLength != totalLength) {
            throw differs("total_definition_length", request.totalLength, totalLength, modelId);
        }
        if (request.sha256.equals(sha256) == false) {
            throw differs("sha256", request.sha256, sha256, modelId);
        }
        if (part < 0 || part >= totalParts) {
            throw new IllegalArgumentException("[part] must be in [0, " + totalParts + "), got " + part);
        }
        if (isUploaded(part)) {
            throw new ElasticsearchStatusException("part [{}] of model [{}] is already stored", RestStatus.CONFLICT, part, modelId);
        }
        if (length < 1 || length > MAX_PART_BYTES) {
            throw new IllegalArgumentException("[definition] of part " + part + " has " + length + " bytes; parts hold 1 to " + MAX_PART_BYTES + " bytes");
        }
        long newPartSize = partSize;
        boolean last = part == totalParts - 1;
        if (totalParts == 1) {
            if (length != totalLength) {
                throw wrongSize(part, length, totalLength, "a single part holds the whole definition");
            }
        } else if (last) {
            long rest = totalLength - length;
            if (partSize != 0) {
                if (length != totalLength - (totalParts - 1) * partSize) {
                    throw wrongSize(part, length, totalLength - (totalParts - 1) * partSize,
                        "the last part holds what the other " + (totalParts - 1) + " parts of " + partSize + " bytes leave");
                }
            } else if (rest % (totalParts - 1) != 0 || rest / (totalParts - 1) < length || rest / (totalParts - 1) > MAX_PART_BYTES) {
                throw new IllegalArgumentException("[definition] part " + part + " (the last) has " + length + " bytes, which leaves " + rest
                    + " bytes that cannot be " + (totalParts - 1) + " equal parts at least as large and at most " + MAX_PART_BYTES + " bytes");
            } else {
                newPartSize = rest / (totalParts - 1);
            }
        } else {
            if (partSize != 0 && length != partSize) {
                throw wrongSize(part, length, partSize, "every part but the last has the size of the first one stored");
            }
            long lastLength = totalLength - (totalParts - 1) * length;
            if (lastLength < 1 || lastLength > length) {
                throw new IllegalArgumentException("[definition] part " + part + " has " + length + " bytes, but " + totalParts
                    + " parts of which all but the last have that size cannot make " + totalLength + " bytes (the last would have "
                    + lastLength + ")");
            }
            newPartSize = length;
        }
        int[] next = Arrays.copyOf(uploaded, uploaded.length + 1);
        next[uploaded.length] = part;
        Arrays.sort(next);
        return new DefinitionUpload(totalParts, totalLength, sha256, newPartSize, next);
    }

    private static IllegalArgumentException differs(String field, Object given, Object earlier, String modelId) {
        return new IllegalArgumentException("[" + field + "] " + given + " differs from " + earlier + " given with the earlier parts of model ["
            + modelId + "]");
    }

    private static IllegalArgumentException wrongSize(int part, long length, long expected, String why) {
        return new IllegalArgumentException("[definition] part " + part + " has " + length + " bytes, expected " + expected + " (" + why + ")");
    }

    public boolean isUploaded(int part) {
        return Arrays.binarySearch(uploaded, part) >= 0;
    }

    /** Whether every part is stored. */
    public boolean isComplete() {
        return uploaded.length == totalParts;
    }

    public int totalParts() {
        return totalParts;
    }

    public long totalLength() {
        return totalLength;
    }

    /** Lower-case hex. */
    public String sha256() {
        return sha256;
    }

    /** S, or 0 before it is known. */
    public long partSize() {
        return partSize;
    }

    /** Indices of the stored parts, ascending. */
    public int[] uploaded() {
        return uploaded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DefinitionUpload other && totalParts == other.totalParts && totalLength == other.totalLength
            && sha256.equals(other.sha256) && partSize == other.partSize && Arrays.equals(uploaded, other.uploaded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(uploaded) * 31 + sha256.hashCode();
    }
}
