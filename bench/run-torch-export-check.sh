#!/usr/bin/env bash
# The export path of scripts/export-torch.py, checked on a real node (docs/export.md, docs/benchmarks.md
# "PyTorch export check"):
#
#   bench/run-torch-export-check.sh            (as root it reruns itself as the user retrieval-bench)
#
# Needs Debian's python3-torch, python3-torchvision and python3-pil (/usr/bin/python3) and the photo
# /usr/share/backgrounds/mate/nature/Garden.jpg (package mate-backgrounds; PHOTO=... picks another).
# 1. makes a real 1024 x 768 JPEG from the photo (centre crop to 4:3, PIL resize, quality 90);
# 2. builds the plugin zip and starts a node with it (heap 1 GB, port 9260);
# 3. bench/torch_export_check.py: exports random-weight networks four times (ResNet-50 feature_map for GeM and
#    for R-MAC, ResNet-50 vector with a whitening folded in, VGG16 feature_map for MAC), uploads them, ingests
#    the JPEG through _bulk with image_descriptor pipelines
#    and compares the stored descriptors with PyTorch's (eager torchvision) for the same image: max
#    absolute difference <= 1e-4 or the script fails;
# 4. stops the node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-torch-export-check.sh "$@"
PY=/usr/bin/python3
PHOTO="${PHOTO:-/usr/share/backgrounds/mate/nature/Garden.jpg}"
WORK="$BENCH_ROOT/target/torch-export-check"
mkdir -p "$WORK"
$PY bench/make_bench_jpeg.py "$PHOTO" "$WORK/photo-1024x768.jpg" 1024 768
bench_build -pl es-plugin -am
bench_start_node "$BENCH_ROOT/target/torch-check-node" 9260 1g
$PY bench/torch_export_check.py --url http://127.0.0.1:9260 --jpeg "$WORK/photo-1024x768.jpg" --work "$WORK"
