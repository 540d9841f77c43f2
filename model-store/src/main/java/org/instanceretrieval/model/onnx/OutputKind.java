package org.instanceretrieval.model.onnx;

/** What a network's output tensor holds. */
public enum OutputKind {
    /** {@code [N, C, H, W]} activations, pooled into a descriptor by the recipe. */
    FEATURE_MAP(4),
    /** {@code [N, D]} descriptors (e.g. a CLIP or DINOv2 embedding head): used as they are. */
    VECTOR(2);

    private final int rank;

    OutputKind(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }
}
