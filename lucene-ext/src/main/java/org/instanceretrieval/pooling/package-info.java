/**
 * Pooling of a C x H x W activation map into global descriptors, and the multi-scale and
 * multi-resolution layouts built on it. Implements the "Pooling" and "Multi-scale and
 * multi-resolution" sections of {@code shared/reference/retrieval-definitions.md}:
 * {@link org.instanceretrieval.pooling.MacPooling MAC}, {@link org.instanceretrieval.pooling.SpocPooling SPoC}
 * (optionally with PyRetri's centre prior), {@link org.instanceretrieval.pooling.GemPooling GeM},
 * cirtorch's {@link org.instanceretrieval.pooling.RmacRegions R-MAC regions} and the
 * {@link org.instanceretrieval.pooling.RegionalPooling regional} generalisation (of which
 * {@link org.instanceretrieval.pooling.RmacPooling R-MAC} is one instance), Razavian et al.'s
 * {@link org.instanceretrieval.pooling.GridPooling spatial grids},
 * {@link org.instanceretrieval.pooling.MultiResolutionPatches multi-resolution patches},
 * {@link org.instanceretrieval.pooling.QueryJitter query jitter} and the
 * {@link org.instanceretrieval.pooling.MaxSimSimilarity MaxSim} patch-set similarity, and the
 * {@link org.instanceretrieval.pooling.MultiScaleCombination multi-scale combination}.
 */
package org.instanceretrieval.pooling;
