#!/usr/bin/env bash
# Converts nsfwjs 4.4.0's InceptionV3 up to `mixed5` into ONNX (the pre-registered winner of the backbone benchmark,
# docs/benchmarks.md "Fresh test split test2"), for a build-time conversion: the 20.5 MB file is too big to commit.
# The conversion is deterministic: the result must have the pinned SHA-256 below (exit 1 if not), so a build that
# runs this script gets exactly the trunk that was measured.
#
#   scripts/nsfwjs-inception-onnx.sh <out.onnx>
#
# Needs npm (to fetch nsfwjs@4.4.0 with `npm pack`), Java 17 and Maven. Not wired into the build yet.
set -euo pipefail

VERSION=4.4.0
SHASUM=706017d11e44de0803b73a568819f800a50ae470   # `npm pack` shasum of nsfwjs-4.4.0.tgz
LAYER=mixed5
ONNX_SHA256=6ffedba015b112bf2eb2dd646e4b500effc24a388b9082783c0652486d904578   # 20,524,209 bytes; two conversions gave the same bytes
out=$(realpath -m "${1:?usage: scripts/nsfwjs-inception-onnx.sh <out.onnx>}")
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "nsfwjs@$VERSION" >/dev/null)
echo "$SHASUM  $tmp/nsfwjs-$VERSION.tgz" | sha1sum -c --quiet
tar -xzf "$tmp/nsfwjs-$VERSION.tgz" -C "$tmp"

cd "$repo"
mvn -B -q -pl model-store -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$tmp/cp.txt" -Dmdep.includeScope=runtime
cp="model-store/target/classes:$(cat "$tmp/cp.txt")"
java -cp "$cp" org.instanceretrieval.model.keras.KerasToOnnx \
  "$tmp/package/dist/models/inception_v3/model.min.js" "$LAYER" "$tmp/out.onnx" as_dequantised >/dev/null
echo "$ONNX_SHA256  $tmp/out.onnx" | sha256sum -c --quiet
cp "$tmp/out.onnx" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes, sha256 $ONNX_SHA256)"
