#!/usr/bin/env bash
# Ingest throughput, side by side in one run (docs/benchmarks.md, "Ingest throughput"):
#
#   bench/run-ingest-throughput.sh            (as root it reruns itself as the user retrieval-bench)
#
# A ResNet-50 (torchvision, random weights, seed 0; scripts/export-torch.py feature_map export, GeM in the
# plugin) at a fixed 724 x 724 input, fed 1024 x 768 JPEGs made from the photos of mate-backgrounds:
# 1. raw ONNX Runtime (model-store's RawOrtThroughput: the plugin's ORT jar, tensors made before timing);
# 2. PyTorch eager (Debian python3-torch, bench/torch_throughput.py), same network and input size;
# 3. _bulk with the image_descriptor processor on a real node, once per thread setting of NODE_CONFIGS
#    (inference pool size / intra-op threads), at each bulk shape of BULKS (documents per bulk x concurrent
#    bulk requests), plus the built-in default model;
# 4. raw ONNX Runtime again (the machine is shared: the first and last raw figures bound the drift).
# IMAGES (default 12) images per measurement. Needs /usr/bin/python3 with torch, torchvision, PIL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-ingest-throughput.sh "$@"
PY=/usr/bin/python3
IMAGES="${IMAGES:-12}"
WORK="$BENCH_ROOT/target/ingest-bench"
NODE_CONFIGS="${NODE_CONFIGS:-2:1 1:2}"            # inference_pool_size:intra_op_threads
BULKS="${BULKS-8x1 4x2}"                          # documents_per_bulk x concurrent_bulks
TORCH_CONFIGS="${TORCH_CONFIGS-threads=2,batch=1}"           # threads=1 measured 0.12 images per CPU-second
PORT="${PORT:-19270}"                                         # HTTP; transport PORT+100
RAW_CONFIGS="${RAW_CONFIGS-intra=2,callers=1,batch=1 intra=1,callers=2,batch=1}"
mkdir -p "$WORK/jpegs"
for photo in Garden Dune Wood LadyBird YellowFlower Aqua Storm GreenMeadow; do
  $PY bench/make_bench_jpeg.py "/usr/share/backgrounds/mate/nature/$photo.jpg" "$WORK/jpegs/$photo.jpg" 1024 768
done
$PY scripts/export-torch.py --arch resnet50 --seed 0 --pooling gem --size fixed:724x724 --scales 1 \
  --out "$WORK/r50-724.onnx" --config "$WORK/r50-724.json" > /dev/null 2>&1
bench_build -pl es-plugin -am
$MVN -pl model-store -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-cp.txt
NODE_JAVA="${NODE_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"   # the JDK scripts/node.sh picks
[ -x "$NODE_JAVA" ] || NODE_JAVA=java
raw_ort() {  # on the node's JDK; ORT itself is native
  "$NODE_JAVA" -cp "model-store/target/test-classes:model-store/target/classes:$(cat model-store/target/test-cp.txt)" \
    org.instanceretrieval.bench.RawOrtThroughput "$WORK/r50-724.onnx" "$WORK/jpegs" 724 724 "$IMAGES" $RAW_CONFIGS
}
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) (shared with other jobs)"
[ -z "$RAW_CONFIGS" ] || raw_ort
[ -z "$TORCH_CONFIGS" ] || $PY bench/torch_throughput.py "$WORK/jpegs" 724 724 "$IMAGES" $TORCH_CONFIGS
for cfg in $NODE_CONFIGS; do
  pool=${cfg%%:*}; intra=${cfg##*:}
  export NODE_EXTRA_SETTINGS="thread_pool.instance_retrieval_inference.size: $pool
instance_retrieval.inference.intra_op_threads: $intra${EXTRA_NODE_SETTINGS:+
$EXTRA_NODE_SETTINGS}"
  bench_start_node "$BENCH_ROOT/target/ingest-bench-node" $PORT 2g > /dev/null
  echo "== node: inference pool $pool threads, intra-op $intra, load $(cut -d' ' -f1-3 /proc/loadavg)"
  first=--onnx
  for b in $BULKS; do
    $PY bench/ingest_throughput.py --url http://127.0.0.1:$PORT --model-id r50 --jpeg-dir "$WORK/jpegs" --images "$IMAGES" \
      --bulk-size "${b%%x*}" --concurrency "${b##*x}" --label "pool=$pool,intra=$intra" --pid-file "$BENCH_ROOT/target/ingest-bench-node/node.pid" \
      $( [ "$first" = --onnx ] && echo --onnx "$WORK/r50-724.onnx" --config "$WORK/r50-724.json" )
    first=''
  done
  $PY bench/ingest_throughput.py --url http://127.0.0.1:$PORT --model-id default --jpeg-dir "$WORK/jpegs" --images 64 \
    --bulk-size 8 --concurrency 2 --label "pool=$pool,intra=$intra" --pid-file "$BENCH_ROOT/target/ingest-bench-node/node.pid"
  scripts/node.sh stop --dir "$BENCH_ROOT/target/ingest-bench-node" > /dev/null
done
[ -z "$RAW_CONFIGS" ] || raw_ort
echo "== load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
