#!/usr/bin/env bash
# Converts nsfwjs 4.4.0's InceptionV3 up to `mixed5` (the built-in model `default`) into ONNX and checks the pinned
# SHA-256 of the committed file (exit 1 if not): scripts/nsfwjs-onnx.sh inception_v3 <out.onnx>, where the pin lives.
#
#   scripts/nsfwjs-inception-onnx.sh <out.onnx>
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/nsfwjs-onnx.sh" inception_v3 "${1:?usage: scripts/nsfwjs-inception-onnx.sh <out.onnx>}"
