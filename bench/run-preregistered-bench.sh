#!/usr/bin/env bash
# The one-shot evaluation of the pre-registered backbone candidates (bench/backbone-preregistered-test3.md) on the fresh
# split `test3` (bench/backbone-photos-test3.txt): thumbnail, filter bank (`default`), candidates A and B and two
# information rows, 8 copies per photo (PhotoVariants), GPR1200 mAP, no whitening. Prints a markdown table.
#
#   [VARIANTS=strong|mild] bench/run-preregistered-bench.sh        (strong decides; mild is reported only)
#
# Needs: apt-get install lxqt-themes lomiri-wallpapers-16.04 python3-skimage; npm (`npm pack nsfwjs@4.4.0`);
# Java 17, Maven. A few minutes on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench_nsfwjs_classpath "$tmp" ${MVN_OPTS:-}
java -Xmx3g -Dvariants="${VARIANTS:-strong}" -cp "$BENCH_CP" org.instanceretrieval.model.keras.bench.PreregisteredBenchmark \
  bench/backbone-photos-test3.txt test3 "$tmp/package/dist/models/inception_v3/model.min.js" "$tmp/package/dist/models/mobilenet_v2/model.min.js"
