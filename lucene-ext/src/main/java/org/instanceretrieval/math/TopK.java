package org.instanceretrieval.math;

/**
 * Deterministic top-k selection over a score row, for callers that need only the head of a
 * ranking (query expansion, database-side augmentation, diffusion's k-NN graph).
 *
 * <p>Order (retrieval definitions, "Determinism"): score descending, then index ascending;
 * scores compare numerically ({@code -0.0f} ties with {@code 0.0f}). The result equals the
 * first {@code k} entries of a full stable sort, in O(N log k) with a bounded heap.
 */
public final class TopK {

    private TopK() {}

    /**
     * The indices of the {@code k} best-ranked items, in ranking order.
     *
     * @param scores one score per item (index = item position), no NaN
     * @param k number of items wanted, at least 0; more than {@code scores.length} returns all
     * @return a new array of {@code min(k, scores.length)} indices
     * @throws IllegalArgumentException if {@code scores} is null, holds a NaN, or {@code k < 0}
     */
    public static int[] select(float[] scores, int k) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        return select(scores, 0, scores.length, k);
    }

    /**
     * As {@link #select(float[], int)} for the row {@code scores[offset .. offset + length)};
     * returned indices are relative to the row.
     *
     * @param scores array holding the score row, no NaN within the row
     * @param offset start of the row in {@code scores}
     * @param length row length
     * @param k number of items wanted, at least 0; more than {@code length} returns all
     * @return a new array of {@code min(k, length)} row indices in ranking order
     * @throws IllegalArgumentException if the row does not fit the array, holds a NaN, or
     *     {@code k < 0}
     */
    public static int[] select(float[] scores, int offset, int length, int k) {
        if (scores == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        if (offset < 0 || length < 0 || (long) offset + length > scores.length) {
            throw new IllegalArgumentException(
                "score row [" + offset + ", " + offset + " + " + length + ") does not fit an array of length [" + scores.length + "]");
        }
        if (k < 0) {
            throw new IllegalArgumentException("k must be non-negative, got [" + k + "]");
        }
        int size = Math.min(k, length);
        // Heap of the best `size` items seen so far, the worst-ranked at the root.
        int[] heap = new int[size];
        int filled = 0;
        for (int i = 0; i < length; i++) {
            float s = scores[offset + i];
            if (Float.isNaN(s)) {
                throw new IllegalArgumentException("score of item [" + i + "] is NaN");
            }
            if (filled < size) {
                heap[filled] = i;
                siftUp(heap, filled++, scores, offset);
            } else if (size > 0 && s > scores[offset + heap[0]]) {
                // Items arrive by ascending index, so a tie with the root ranks after it: only
                // a strictly higher score displaces it.
                heap[0] = i;
                siftDown(heap, size, scores, offset);
            }
        }
        // Pop worst-first into the tail of the result.
        int[] result = new int[size];
        for (int n = size; n > 0; n--) {
            result[n - 1] = heap[0];
            heap[0] = heap[n - 1];
            siftDown(heap, n - 1, scores, offset);
        }
        return result;
    }

    /** True if item {@code a} ranks after item {@code b}. */
    private static boolean ranksAfter(int a, int b, float[] scores, int offset) {
        float sa = scores[offset + a];
        float sb = scores[offset + b];
        return sa < sb || (sa == sb && a > b);
    }

    private static void siftUp(int[] heap, int pos, float[] scores, int offset) {
        int item = heap[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            if (ranksAfter(item, heap[parent], scores, offset) == false) {
                break;
            }
            heap[pos] = heap[parent];
            pos = parent;
        }
        heap[pos] = item;
    }

    private static void siftDown(int[] heap, int size, float[] scores, int offset) {
        if (size == 0) {
            return;
        }
        int item = heap[0];
        int pos = 0;
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && ranksAfter(heap[child + 1], heap[child], scores, offset)) {
                child++;
            }
            if (ranksAfter(heap[child], item, scores, offset) == false) {
                break;
            }
            heap[pos] = heap[child];
            pos = child;
        }
        heap[pos] = item;
    }
}
