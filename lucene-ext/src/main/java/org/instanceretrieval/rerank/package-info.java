/**
 * Re-ranking of a query's top window by k-reciprocal encoding (Zhong et al., CVPR 2017, "Re-ranking Person
 * Re-identification with k-reciprocal Encoding"): {@link org.instanceretrieval.rerank.KReciprocal} computes, over the
 * query and the window's vectors, the Jaccard distance of their k-reciprocal encodings mixed with the original distance,
 * as the authors' {@code re_ranking} code does.
 */
package org.instanceretrieval.rerank;
