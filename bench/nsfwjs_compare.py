"""Compares HeadSanityCheck's ONNX Runtime outputs with nsfwjs in TensorFlow.js (bench/run-head-check.sh).

    python3 bench/nsfwjs_compare.py OUT_DIR IMAGES

For each network (MobileNetV2, InceptionV3), image and output (the head dense_3, softmax over nsfwjs's classes; the
layer its committed trunk ends at: block_13_expand_relu, mixed5): the largest absolute difference between ONNX
Runtime (java-*.f32, NCHW) and TensorFlow.js (tfjs-*.f32, NHWC), and for the trunks that difference relative to the
largest activation. Fails (exit 1) above 1e-4 for the head's probabilities or 1e-4 relative for the trunks.
"""
import sys

import numpy as np

TRUNKS = {"MobileNetV2": ("block_13_expand_relu", 576), "InceptionV3": ("mixed5", 768)}  # network -> (layer, channels)


def main():
    out, images = sys.argv[1], int(sys.argv[2])
    worst = 0.0
    for network, (trunk, channels) in TRUNKS.items():
        for i in range(images):
            for layer in ("dense_3", trunk):
                java = np.fromfile(f"{out}/java-{network}-{layer}-img{i}.f32", dtype="<f4")
                tfjs = np.fromfile(f"{out}/tfjs-{network}-{layer}-img{i}.f32", dtype="<f4")
                if layer != "dense_3":
                    tfjs = tfjs.reshape(-1, channels).T.reshape(-1)  # NHWC -> NCHW
                assert java.size == tfjs.size, (network, layer, i, java.size, tfjs.size)
                diff = float(np.max(np.abs(java - tfjs)))
                scale = 1.0 if layer == "dense_3" else float(np.max(np.abs(tfjs)))
                worst = max(worst, diff / scale)
                kind = "probabilities" if layer == "dense_3" else f"{java.size} activations, largest {scale:.3g}"
                print(f"{network} {layer} img{i}: max |onnxruntime - tfjs| = {diff:.2e} ({kind}; relative {diff / scale:.2e})")
    ok = worst <= 1e-4
    print(f"nsfwjs in TensorFlow.js against the conversion: worst relative difference {worst:.2e} -> {'OK' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
