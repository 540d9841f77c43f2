#!/usr/bin/env bash
# Regenerates the committed ONNX trunk of nsfwjs's MobileNetV2 from the npm package, byte for byte.
#
#   scripts/nsfwjs-onnx.sh            convert and check the result equals the committed file (exit 1 if not)
#   scripts/nsfwjs-onnx.sh --write    convert and overwrite the committed file
#
# Needs npm (to fetch nsfwjs@4.4.0 with `npm pack`), Java 17 and Maven. Nothing here runs at build or
# run time: the plugin only reads the committed file.
set -euo pipefail

VERSION=4.4.0
SHASUM=706017d11e44de0803b73a568819f800a50ae470   # `npm pack` shasum of nsfwjs-4.4.0.tgz
LAYER=${NSFWJS_LAYER:-block_13_expand_relu}
RULE=${NSFWJS_RULE:-as_dequantised}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target="$repo/model-store/src/main/resources/org/instanceretrieval/model/onnx/nsfwjs-mobilenet-v2.onnx"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "nsfwjs@$VERSION" >/dev/null)
echo "$SHASUM  $tmp/nsfwjs-$VERSION.tgz" | sha1sum -c --quiet
tar -xzf "$tmp/nsfwjs-$VERSION.tgz" -C "$tmp"

cd "$repo"
# the last module of the reactor (model-store) writes the classpath file last
mvn -B -q -pl model-store -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$tmp/cp.txt" -Dmdep.includeScope=runtime
cp="model-store/target/classes:$(cat "$tmp/cp.txt")"
java -cp "$cp" org.instanceretrieval.model.keras.KerasToOnnx \
  "$tmp/package/dist/models/mobilenet_v2/model.min.js" "$LAYER" "$tmp/out.onnx" "$RULE"

if [ "${1:-}" = --write ]; then
  cp "$tmp/out.onnx" "$target"
  cp "$tmp/package/LICENSE" "$(dirname "$target")/nsfwjs-LICENSE.txt"
  echo "wrote $target"
elif cmp -s "$tmp/out.onnx" "$target"; then
  echo "OK: $target equals the conversion of nsfwjs@$VERSION ($LAYER, $RULE), $(stat -c %s "$target") bytes"
else
  echo "MISMATCH: $target differs from the conversion of nsfwjs@$VERSION ($LAYER, $RULE)" >&2
  exit 1
fi
