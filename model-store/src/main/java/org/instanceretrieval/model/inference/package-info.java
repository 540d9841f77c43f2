/**
 * Running ONNX networks on a node: the {@link org.instanceretrieval.model.inference.InferenceService}
 * (bounded LRU cache of ONNX Runtime sessions loaded through a caller's
 * {@link org.instanceretrieval.model.inference.ModelSource}, device {@code auto|cpu|cuda},
 * micro-batching of concurrent requests on a caller-supplied executor, per-model
 * {@link org.instanceretrieval.model.inference.ModelStats}) and the
 * {@link org.instanceretrieval.model.inference.ImageModel} view that
 * {@link org.instanceretrieval.model.descriptor.DescriptorExtractor} runs. No Elasticsearch types.
 */
package org.instanceretrieval.model.inference;
