/**
 * Whitening of global descriptors (definitions, "Whitening"): the affine map
 * {@link org.instanceretrieval.whitening.Whitening} with its binary
 * {@link org.instanceretrieval.whitening.WhiteningFormat}, and its learners
 * {@link org.instanceretrieval.whitening.PcaWhitening} (PCA and power-law) and
 * {@link org.instanceretrieval.whitening.LearnedWhitening} (Radenovic et al. Lw).
 */
package org.instanceretrieval.whitening;
