package org.instanceretrieval.diffusion;

/**
 * Bounded top-k selection with a binary min-heap whose root is the current worst candidate,
 * so most candidates are rejected with one comparison; never a full sort per row. Order:
 * score descending, then index ascending (the deterministic rule of the definitions).
 * Mutable, single-threaded, package-private.
 */
final class TopK {

    private final int capacity;
    private final int[] ids;
    private final float[] scores;
    private int size;

    TopK(int capacity) {
        this.capacity = capacity;
        this.ids = new int[capacity];
        this.scores = new float[capacity];
    }

    /** True when (scoreA, idA) ranks strictly before (scoreB, idB). */
    static boolean ranksBefore(float scoreA, int idA, float scoreB, int idB) {
        return scoreA > scoreB || (scoreA == scoreB && idA < idB);
    }

    /** Offers a candidate; it is kept if fewer than k are held or it beats the worst held. */
    void offer(int id, float score) {
        if (size < capacity) {
            ids[size] = id;
            scores[size] = score;
            siftUp(size++);
        } else if (capacity > 0 && ranksBefore(score, id, scores[0], ids[0])) {
            ids[0] = id;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** Drains the heap into a ranking-ordered {@link Neighbours}; the selector is empty afterwards. */
    Neighbours drain() {
        int n = size;
        int[] outIds = new int[n];
        float[] outScores = new float[n];
        // popping the root yields the worst first: fill from the back
        for (int t = n - 1; t >= 0; t--) {
            outIds[t] = ids[0];
            outScores[t] = scores[0];
            size--;
            if (size > 0) {
                ids[0] = ids[size];
                scores[0] = scores[size];
                siftDown(0);
            }
        }
        return Neighbours.ofOwned(outIds, outScores);
    }

    private void siftUp(int pos) {
        int id = ids[pos];
        float score = scores[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            // the parent must rank after (be worse than) the child in a worst-at-root heap
            if (ranksBefore(scores[parent], ids[parent], score, id) == false) {
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
            if (right < size && ranksBefore(scores[child], ids[child], scores[right], ids[right])) {
                child = right; // the worse of the two children
            }
            if (ranksBefore(scores[child], ids[child], score, id) == false) {
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
