package org.instanceretrieval.pooling;

import java.util.List;

/** Chooses the regions of a width x height grid that a {@link RegionalPooling} pools. */
@FunctionalInterface
public interface RegionLayout {

    /**
     * The regions of a grid of {@code width} columns and {@code height} rows, each lying inside
     * it, in a fixed documented order.
     *
     * @throws IllegalArgumentException if {@code width} or {@code height} is not positive
     */
    List<Region> regions(int width, int height);
}
