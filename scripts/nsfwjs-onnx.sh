#!/usr/bin/env bash
# Regenerates a committed ONNX trunk of nsfwjs 4.4.0 from the npm package, byte for byte.
#
#   scripts/nsfwjs-onnx.sh [TARGET]             convert and check the result equals the committed file (exit 1 if not)
#   scripts/nsfwjs-onnx.sh [TARGET] --write     convert and overwrite the committed file (and nsfwjs-LICENSE.txt beside it)
#   scripts/nsfwjs-onnx.sh [TARGET] <out.onnx>  convert, check the target's pinned SHA-256 (exit 1 if not), write out.onnx
#
# TARGET (default mobilenet_v2):
#   mobilenet_v2   MobileNetV2 up to block_13_expand_relu: nsfwjs-mobilenet-v2.onnx (built-in model nsfwjs_mobilenet_v2)
#   inception_v3   InceptionV3 up to mixed5: nsfwjs-inception-v3-mixed5.onnx (built-in model default); also
#                  scripts/nsfwjs-inception-onnx.sh <out.onnx>
# NSFWJS_LAYER and NSFWJS_RULE (default as_dequantised) change the layer and the dequantisation rule (for --write).
# The conversion is deterministic: the pinned SHA-256 below are the committed files' (NsfwjsMobileNetV2Test and
# NsfwjsInceptionV3Test pin them too), so a conversion gets exactly the trunk that was measured.
# Needs npm (to fetch nsfwjs@4.4.0 with `npm pack`), Java 17 and Maven. Nothing here runs at build or
# run time: the plugin only reads the committed files.
set -euo pipefail

VERSION=4.4.0
SHASUM=706017d11e44de0803b73a568819f800a50ae470   # `npm pack` shasum of nsfwjs-4.4.0.tgz
target_name=mobilenet_v2
case "${1:-}" in
  mobilenet_v2|inception_v3) target_name=$1; shift ;;
esac
case "$target_name" in
  mobilenet_v2)
    MODEL=mobilenet_v2
    LAYER=${NSFWJS_LAYER:-block_13_expand_relu}
    FILE=nsfwjs-mobilenet-v2.onnx
    ONNX_SHA256=44e59e962d61fb7828f176d82ddd2c2ceb7c624d6f4c2f98a9fb49f7b480b3fc ;;   # 2,377,499 bytes
  inception_v3)
    MODEL=inception_v3
    LAYER=${NSFWJS_LAYER:-mixed5}
    FILE=nsfwjs-inception-v3-mixed5.onnx
    ONNX_SHA256=6ffedba015b112bf2eb2dd646e4b500effc24a388b9082783c0652486d904578 ;;   # 20,524,209 bytes; two conversions gave the same bytes
esac
RULE=${NSFWJS_RULE:-as_dequantised}
mode=${1:-}
out=""
case "$mode" in
  ""|--write) ;;
  *) out=$(realpath -m "$mode"); mode=out ;;
esac
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="$repo/model-store/src/main/resources/org/instanceretrieval/model/onnx/$FILE"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "nsfwjs@$VERSION" >/dev/null)
echo "$SHASUM  $tmp/nsfwjs-$VERSION.tgz" | sha1sum -c --quiet
tar -xzf "$tmp/nsfwjs-$VERSION.tgz" -C "$tmp"

cd "$repo"
# the last module of the reactor (model-store) writes the classpath file last
mvn -B -q -pl model-store -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$tmp/cp.txt" -Dmdep.includeScope=runtime
cp="model-store/target/classes:$(cat "$tmp/cp.txt")"
convert() {
  java -cp "$cp" org.instanceretrieval.model.keras.KerasToOnnx \
    "$tmp/package/dist/models/$MODEL/model.min.js" "$LAYER" "$tmp/out.onnx" "$RULE"
}

if [ "$mode" = out ]; then
  convert >/dev/null
  echo "$ONNX_SHA256  $tmp/out.onnx" | sha256sum -c --quiet
  cp "$tmp/out.onnx" "$out"
  echo "wrote $out ($(stat -c %s "$out") bytes, sha256 $ONNX_SHA256)"
  exit 0
fi
convert
if [ "$mode" = --write ]; then
  cp "$tmp/out.onnx" "$target"
  cp "$tmp/package/LICENSE" "$(dirname "$target")/nsfwjs-LICENSE.txt"
  echo "wrote $target"
elif cmp -s "$tmp/out.onnx" "$target"; then
  echo "OK: $target equals the conversion of nsfwjs@$VERSION ($LAYER, $RULE), $(stat -c %s "$target") bytes"
else
  echo "MISMATCH: $target differs from the conversion of nsfwjs@$VERSION ($LAYER, $RULE)" >&2
  exit 1
fi
