#!/usr/bin/env bash
# The pre-registered evaluation of issue 15, part 1 (bench/backbone-preregistered.md; docs/benchmarks.md, "Fresh test
# split test2"): thumbnail, filter bank, MobileNetV2 block_13_expand_relu GeM @224 and the two candidates
# (MobileNetV2 block_12_add SPoC @128, InceptionV3 mixed5 GeM @160) on one split, copies and GPR1200 protocol of
# bench/run-backbone-bench.sh. Default: split test2 of bench/backbone-photos-test2.txt; the `val` split of
# bench/backbone-photos.txt checks that the harness reproduces the validation numbers.
#
#   [VARIANTS=strong|mild] bench/run-backbone-test2-bench.sh [photo list] [split]
#
# Needs: apt-get install opencv-doc python3-skimage (test2 photos; the wallpaper packages of
# bench/run-backbone-bench.sh for `val`); npm (`npm pack nsfwjs@4.4.0`); Java 17, Maven. A few minutes on 2 cores.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
list=${1:-$repo/bench/backbone-photos-test2.txt}
split=${2:-test2}
list=$(cd "$(dirname "$list")" && pwd)/$(basename "$list")
source "$repo/bench/lib-node.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_nsfwjs_classpath "$tmp"
java -Xmx3g -Dvariants="${VARIANTS:-strong}" -cp "$BENCH_CP" org.instanceretrieval.model.keras.bench.Test2Benchmark \
  "$list" "$split" "$tmp/package/dist/models/inception_v3/model.min.js" "$tmp/package/dist/models/mobilenet_v2/model.min.js"
