package org.instanceretrieval.math;

/**
 * Deterministic top-k selection, for callers that need only the head of a ranking (query
 * expansion, database-side augmentation, diffusion's k-NN graph and query neighbours).
 *
 * <p>Order (retrieval definitions, "Determinism"; {@link RankingOrder}): score descending,
 * then index ascending; scores compare numerically ({@code -0.0f} ties with {@code 0.0f}). The
 * result equals the first {@code k} entries of a full stable sort, in O(N log k): a bounded
 * binary heap whose root is the worst entry held, so most candidates are rejected with one
 * comparison; never a full sort.
 *
 * <p>Two uses: {@link #select(float[], int)} over a whole score row, or streaming — construct
 * with a capacity, {@link #offer} candidates in any order (the result does not depend on the
 * order, since the rule is a total order on (score, id) pairs with distinct ids), then
 * {@link #drainInto}. A streaming instance is mutable and not thread-safe.
 */
public final class TopK {

    private final int[] ids;
    private final float[] scores;
    private int size;

    /**
     * A streaming selector keeping the {@code capacity} best candidates offered.
     *
     * @param capacity number of candidates kept, at least 0
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public TopK(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("k must be non-negative, got [" + capacity + "]");
        }
        this.ids = new int[capacity];
        this.scores = new float[capacity];
    }

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
        TopK top = new TopK(Math.min(k, length));
        for (int i = 0; i < length; i++) {
            top.offer(i, scores[offset + i]);
        }
        int[] result = new int[top.size()];
        top.drainInto(result, new float[result.length]);
        return result;
    }

    /** @return the number of candidates held, at most the capacity */
    public int size() {
        return size;
    }

    /**
     * Offers a candidate; it is kept if fewer than the capacity are held or it ranks before the
     * worst one held (which is then dropped). Ids should be distinct.
     *
     * @param id the candidate's index
     * @param score its score, not NaN
     * @throws IllegalArgumentException if {@code score} is NaN
     */
    public void offer(int id, float score) {
        if (score != score) {
            throw new IllegalArgumentException("score of item [" + id + "] is NaN");
        }
        if (size < ids.length) {
            ids[size] = id;
            scores[size] = score;
            siftUp(size++);
        } else if (size > 0 && RankingOrder.ranksBefore(score, id, scores[0], ids[0])) {
            ids[0] = id;
            scores[0] = score;
            siftDown(0);
        }
    }

    /**
     * Writes the held candidates in ranking order into {@code idsOut[0 .. size)} and
     * {@code scoresOut[0 .. size)} and empties the selector (it can be reused).
     *
     * @param idsOut receives the ids, at least {@link #size()} long
     * @param scoresOut receives the scores (as offered), at least {@link #size()} long
     * @return the number of candidates written
     * @throws IllegalArgumentException if an output array is shorter than {@link #size()}
     */
    public int drainInto(int[] idsOut, float[] scoresOut) {
        int n = size;
        if (idsOut.length < n || scoresOut.length < n) {
            throw new IllegalArgumentException("output arrays must hold [" + n + "] entries");
        }
        // popping the root yields the worst first: fill from the back
        for (int t = n - 1; t >= 0; t--) {
            idsOut[t] = ids[0];
            scoresOut[t] = scores[0];
            size--;
            if (size > 0) {
                ids[0] = ids[size];
                scores[0] = scores[size];
                siftDown(0);
            }
        }
        return n;
    }

    private void siftUp(int pos) {
        int id = ids[pos];
        float score = scores[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            // the parent must rank after (be worse than) the child in a worst-at-root heap
            if (RankingOrder.ranksBefore(scores[parent], ids[parent], score, id) == false) {
                break;
            }
            ids[pos] = ids[parent];
            scores[pos] = scores[parent];
            pos = parent;
        }
        ids[pos] = id;
        scores[pos] = score;
    }

    private void siftDown(int pos) {
        int id = ids[pos];
        float score = scores[pos];
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && RankingOrder.ranksBefore(scores[child], ids[child], scores[right], ids[right])) {
                child = right; // the worse of the two children
            }
            if (RankingOrder.ranksBefore(scores[child], ids[child], score, id) == false) {
                ids[pos] = ids[child];
                scores[pos] = scores[child];
                pos = child;
            } else {
                break;
            }
        }
        ids[pos] = id;
        scores[pos] = score;
    }
}
