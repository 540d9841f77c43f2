#!/usr/bin/env bash
# nsfwjs InceptionV3 on the real-photo backbone benchmark of issue 15 (docs/benchmarks.md, "InceptionV3"): the
# photos, copies and GPR1200 protocol of bench/run-backbone-bench.sh; InceptionV3 layers mixed0..mixed7 at longest
# side 224 and 317 (and both combined) x MAC/SPoC/GeM, no whitening, beside the 16x16 thumbnail and the MobileNetV2
# configuration chosen earlier. The InceptionV3 configuration is chosen on `val`, reported on `test`.
#
#   [VARIANTS=strong|mild] [SIZES=224,317] bench/run-inception-bench.sh   (SIZES: longest sides; 224 and 317 must be among them)
#
# Needs: the Debian wallpaper packages of bench/run-backbone-bench.sh; npm (`npm pack nsfwjs@4.4.0`); Java 17, Maven.
# A few minutes per set on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_nsfwjs_classpath "$tmp"
java -Xmx4g -Dvariants="${VARIANTS:-strong}" -Dsizes="${SIZES:-224,317}" -cp "$BENCH_CP" org.instanceretrieval.model.keras.bench.InceptionBenchmark \
  bench/backbone-photos.txt "$tmp/package/dist/models/inception_v3/model.min.js" "$tmp/package/dist/models/mobilenet_v2/model.min.js"
