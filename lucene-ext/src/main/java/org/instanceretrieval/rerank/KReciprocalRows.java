package org.instanceretrieval.rerank;

/**
 * The original distances and rankings {@link KReciprocal} encodes, over points 0..n-1 (0 the query): the window path fills
 * them from the vectors (every pair known), the stored-list path ({@link StoredListRows}) from the stored neighbour lists
 * (some pairs unknown). Package-private; implementations are immutable once built.
 */
interface KReciprocalRows {

    /** n, the number of points (the query and the window's items). */
    int size();

    /** a's ranking N(a, K) as kept (a first, then by D(a, ·) ascending, ties by lower index); possibly shorter than K. */
    int[] ranking(int a);

    /** Whether a is in N(b, m), i.e. a == b or a among the first min(m, |ranking(b)|) entries of b's ranking. */
    boolean ranksWithin(int b, int a, int m);

    /** D(a, b) for a point b in R*(a); 1 (the row's largest normalised distance) when a's row does not know b. */
    double distance(int a, int b);
}
