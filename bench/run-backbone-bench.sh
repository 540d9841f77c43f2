#!/usr/bin/env bash
# The real-photo backbone benchmark of issue 15 (docs/benchmarks.md, "Pretrained default model"):
# 37 real photos from Debian wallpaper packages (bench/backbone-photos.txt: split and path), 8 varied
# copies each (model-store test class PhotoVariants, seeded), GPR1200 protocol within each split;
# thumbnail, filter bank and the nsfwjs MobileNetV2 trunk at 9 layers x 6 sizes x MAC/SPoC/GeM, single
# and multi-scale; PCA whitening learned on the disjoint `whiten` photos. Prints markdown tables.
#
#   [VARIANTS=strong|mild] bench/run-backbone-bench.sh [as_dequantised|bin_centre]
#
# Needs: apt-get install mate-backgrounds plasma-workspace-wallpapers lomiri-wallpapers-16.04
#        lomiri-wallpapers-20.04 ukui-wallpapers; npm (for `npm pack nsfwjs@4.4.0`); Java 17, Maven.
# About 10 minutes on 2 cores.
set -euo pipefail
rule=${1:-as_dequantised}
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_nsfwjs_classpath "$tmp"
java -Xmx6g -Dvariants="${VARIANTS:-strong}" -cp "$BENCH_CP" org.instanceretrieval.model.keras.bench.BackboneBenchmark \
  bench/backbone-photos.txt "$tmp/package/dist/models/mobilenet_v2/model.min.js" "$rule"
