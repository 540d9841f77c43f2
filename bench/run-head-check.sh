#!/usr/bin/env bash
# The nsfwjs conversion checked against nsfwjs itself (issue 15; docs/benchmarks.md, "Pretrained backbone"):
# 1. HeadSanityCheck: MobileNetV2 and InceptionV3 of `npm pack nsfwjs@4.4.0`, converted by KerasOnnxConverter up to
#    their classifier head (dense_3), classify the images of bench/head-check.txt (photographs Neutral, drawings
#    Drawing) and print the probabilities; it also runs the two committed trunks (the built-in default, InceptionV3 to
#    mixed5, and nsfwjs_mobilenet_v2) on the same inputs;
# 2. bench/nsfwjs_reference.cjs: nsfwjs 4.4.0 in TensorFlow.js (@tensorflow/tfjs 4.22.0, CPU backend) on the same
#    decoded pixels, through nsfwjs's own preprocessing, for the head and the trunks' last layers;
# 3. bench/nsfwjs_compare.py: fails when ONNX Runtime and TensorFlow.js differ by more than 1e-4 (relative for the
#    trunks' activations).
#
#   bench/run-head-check.sh
#
# Needs: mate-backgrounds and plasma-workspace-wallpapers (the images); npm and node; python3 with numpy; Java 17,
# Maven. About 5 minutes on 2 cores (TensorFlow.js's pure-JS backend is the slow part).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_nsfwjs_classpath "$tmp" ${MVN_OPTS:-}
java -Xmx2g -cp "$BENCH_CP" org.instanceretrieval.model.keras.bench.HeadSanityCheck bench/head-check.txt \
  "$tmp/package/dist/models/mobilenet_v2/model.min.js" "$tmp/package/dist/models/inception_v3/model.min.js" "$tmp/out"
npm install --silent --no-save --prefix "$tmp/node" @tensorflow/tfjs@4.22.0 nsfwjs@4.4.0 > /dev/null
images=$(grep -cv '^\s*\(#\|$\)' bench/head-check.txt)
node bench/nsfwjs_reference.cjs "$tmp/node/node_modules" "$tmp/out" "$images" 2> /dev/null
python3 bench/nsfwjs_compare.py "$tmp/out" "$images"
