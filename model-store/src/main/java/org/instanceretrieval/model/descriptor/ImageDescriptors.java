package org.instanceretrieval.model.descriptor;

import java.util.List;

/**
 * What {@link DescriptorExtractor} produces for one image.
 *
 * @param descriptor the global descriptor, L2-normalised (or zero for an all-zero network output)
 * @param patches    the multi-resolution patch descriptors, level 1 first, each L2-normalised;
 *                   empty when the recipe asks for no patches
 */
public record ImageDescriptors(float[] descriptor, List<float[]> patches) {
    /** Copies the patch list (the arrays are not copied). */
    public ImageDescriptors {
        patches = List.copyOf(patches);
    }
}
