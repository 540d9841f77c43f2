/**
 * From image bytes to descriptors: the {@link org.instanceretrieval.model.descriptor.DescriptorRecipe}
 * (pooling, scales and their combination, image size, whitening, multi-resolution patches; the
 * "Pooling", "Multi-scale and multi-resolution" and "Whitening" sections of
 * {@code shared/reference/retrieval-definitions.md}) and the
 * {@link org.instanceretrieval.model.descriptor.DescriptorExtractor} that applies it with one
 * network. The pooling and whitening arithmetic is lucene-ext's; this package only orders the
 * steps. No Elasticsearch types.
 */
package org.instanceretrieval.model.descriptor;
