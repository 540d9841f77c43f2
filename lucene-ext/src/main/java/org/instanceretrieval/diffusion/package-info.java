/**
 * Diffusion re-ranking on a mutual-kNN affinity graph (Iscen et al., CVPR 2017) and its
 * offline/online decoupling (Yang et al., AAAI 2019), as specified in the "Diffusion" section
 * of the retrieval definitions.
 *
 * <p>Pipeline: {@link org.instanceretrieval.diffusion.AffinityGraph} builds the sparse
 * normalised graph S = D^-1/2 A D^-1/2; {@link org.instanceretrieval.diffusion.QueryWeighting}
 * builds the query vector y; {@link org.instanceretrieval.diffusion.ConjugateGradient} solves
 * (I - alpha S) f = y; {@link org.instanceretrieval.diffusion.DiffusionRanking} orders by f
 * with the project's deterministic rule (score descending, then index ascending).
 * {@link org.instanceretrieval.diffusion.Diffusion} wires these together;
 * {@link org.instanceretrieval.diffusion.OfflineDiffusion} precomputes per-item solutions.
 * Neighbour search sits behind {@link org.instanceretrieval.diffusion.NeighbourSearch} so a
 * faster kernel can replace the brute-force one.
 */
package org.instanceretrieval.diffusion;
