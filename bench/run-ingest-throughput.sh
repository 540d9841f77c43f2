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
#    bulk requests), plus the built-in models (below);
# ROUNDS (default 3) rounds of 1-3 in turn while one node runs, each measurement after WARMUP (default 24) untimed
# images of its own kind (the node's JVM compilers, ONNX Runtime's arenas and PyTorch's allocator settle); then the
# built-in models of BUILTIN_MODELS (default: default nsfwjs_mobilenet_v2). IMAGES (default 24) images per
# measurement. bench/ingest_summary.py prints the medians over the rounds and the ratios.
# Needs /usr/bin/python3 with torch, torchvision, PIL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-node.sh"
bench_as_user bench/run-ingest-throughput.sh "$@"
PY=/usr/bin/python3
IMAGES="${IMAGES:-24}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-24}"
WORK="$BENCH_ROOT/target/ingest-bench"
NODE_CONFIGS="${NODE_CONFIGS:-2:1}"                # inference_pool_size:intra_op_threads (1:2 in run 2: below 2:1)
BULKS="${BULKS-8x1 4x2}"                          # documents_per_bulk x concurrent_bulks
TORCH_CONFIGS="${TORCH_CONFIGS-threads=2,batch=1}"           # threads=1 measured 0.12 images per CPU-second
PORT="${PORT:-19270}"                                         # HTTP; transport PORT+100
BUILTIN_MODELS="${BUILTIN_MODELS-default nsfwjs_mobilenet_v2}"  # built-in models measured after the rounds (bulks of 8 x 2)
RAW_CONFIGS="${RAW_CONFIGS-intra=1,callers=2,batch=1}"       # intra=2,callers=1: 0.76-0.88 images per CPU-second, below
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
LINES="$WORK/measurements.txt"
: > "$LINES"
raw_ort() {  # on the node's JDK; ORT itself is native
  local configs=() c
  for c in $RAW_CONFIGS; do configs+=("$c,warmup=$WARMUP"); done
  "$NODE_JAVA" -cp "model-store/target/test-classes:model-store/target/classes:$(cat model-store/target/test-cp.txt)" \
    org.instanceretrieval.bench.RawOrtThroughput "$WORK/r50-724.onnx" "$WORK/jpegs" 724 724 "$IMAGES" "${configs[@]}" | tee -a "$LINES"
}
torch_eager() {
  local configs=() c
  for c in $TORCH_CONFIGS; do configs+=("$c,warmup=$WARMUP"); done
  $PY bench/torch_throughput.py "$WORK/jpegs" 724 724 "$IMAGES" "${configs[@]}" | tee -a "$LINES"
}
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for cfg in $NODE_CONFIGS; do
  pool=${cfg%%:*}; intra=${cfg##*:}
  export NODE_EXTRA_SETTINGS="thread_pool.instance_retrieval_inference.size: $pool
instance_retrieval.inference.intra_op_threads: $intra${EXTRA_NODE_SETTINGS:+
$EXTRA_NODE_SETTINGS}"
  bench_start_node "$BENCH_ROOT/target/ingest-bench-node" $PORT 2g > /dev/null
  echo "== node: inference pool $pool threads, intra-op $intra, load $(cut -d' ' -f1-3 /proc/loadavg)"
  upload=(--onnx "$WORK/r50-724.onnx" --config "$WORK/r50-724.json")
  for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS, load $(cut -d' ' -f1-3 /proc/loadavg)"
    [ -z "$RAW_CONFIGS" ] || raw_ort
    [ -z "$TORCH_CONFIGS" ] || torch_eager
    for b in $BULKS; do
      $PY bench/ingest_throughput.py --url http://127.0.0.1:$PORT --model-id r50 --jpeg-dir "$WORK/jpegs" --images "$IMAGES" \
        --warmup-images "$WARMUP" --bulk-size "${b%%x*}" --concurrency "${b##*x}" --label "pool=$pool,intra=$intra" \
        --pid-file "$BENCH_ROOT/target/ingest-bench-node/node.pid" "${upload[@]}" | tee -a "$LINES"
      upload=()
    done
  done
  for model in $BUILTIN_MODELS; do
    $PY bench/ingest_throughput.py --url http://127.0.0.1:$PORT --model-id "$model" --jpeg-dir "$WORK/jpegs" --images 128 \
      --warmup-images 64 --bulk-size 8 --concurrency 2 --label "pool=$pool,intra=$intra" \
      --pid-file "$BENCH_ROOT/target/ingest-bench-node/node.pid" | tee -a "$LINES"
  done
  scripts/node.sh stop --dir "$BENCH_ROOT/target/ingest-bench-node" > /dev/null
done
echo "== load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
$PY bench/ingest_summary.py "$LINES"
