package org.instanceretrieval.model.inference;

/**
 * The network's output for one image: {@code shape} without the batch dimension
 * ({@code [C, H, W]} for a feature map, {@code [D]} for a vector) and the values, row-major.
 *
 * @param shape  the per-image shape
 * @param values {@code product(shape)} values
 */
public record ModelOutput(long[] shape, float[] values) {}
