/**
 * Nearest neighbours by inner product, shared by query expansion, database-side augmentation
 * and diffusion: {@link org.instanceretrieval.neighbours.Neighbours} (ids and scores in the
 * ranking order of the retrieval definitions, validated),
 * {@link org.instanceretrieval.neighbours.NeighbourSearch} (prepare a database once, then single
 * queries or all-vs-all with the item itself included or excluded) and its exact implementation
 * {@link org.instanceretrieval.neighbours.ExactNeighbourSearch} on the blocked SIMD
 * {@link org.instanceretrieval.math.ScoreKernel}.
 */
package org.instanceretrieval.neighbours;
