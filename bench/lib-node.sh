# Shared by the bench/run-*.sh scripts that run a benchmark against a real node (sourced, not run):
#   bench_as_user SCRIPT "$@"   as root, reruns SCRIPT (a path under the repository) as the user retrieval-bench
#                               (scripts/as-unprivileged.sh), as Elasticsearch refuses root; otherwise returns
#   bench_build [MAVEN ARGS]    builds the plugin zip ($MVN -DskipTests package), unless SKIP_BUILD=1
#   bench_start_node DIR PORT HEAP
#                               fetches Elasticsearch 8.19.21 (integ-test zip, through Maven, into DIR's parent once),
#                               starts a node with the plugin zip in DIR (scripts/node.sh, HTTP PORT, transport PORT+100)
#                               and stops it when the script exits, unless KEEP_NODE=1
#   bench_python_on_node [--no-uptime] NAME PORT HEAP SCRIPT [ARGS]
#                               bench_build, then bench_start_node in target/NAME/node (HTTP $BENCH_HTTP_PORT, default
#                               PORT; heap $BENCH_HEAP, default HEAP), then "${PYTHON:-python3}" SCRIPT --url (the node)
#                               --out target/NAME/results.json ARGS | tee target/NAME/bench.log, between two
#                               "== uptime" lines (not with --no-uptime)
#   bench_nsfwjs_classpath DIR [MAVEN ARGS]
#                               unpacks `npm pack nsfwjs@4.4.0` into DIR (DIR/package/dist/models/...), builds
#                               model-store and its tests ($MVN package -DskipTests) and sets BENCH_CP to their classes
#                               and test classpath
# Sets BENCH_ROOT (the repository; the current directory after sourcing) and MVN (default "mvn -q -B").
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MVN="${MVN:-mvn -q -B}"
cd "$BENCH_ROOT"

bench_as_user() {
  local script="$1"
  shift
  if [ "$(id -u)" = 0 ]; then
    exec "$BENCH_ROOT/scripts/as-unprivileged.sh" retrieval-bench "$script" "$@"
  fi
}

bench_build() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "== building the plugin zip"
    $MVN "$@" -DskipTests package
  fi
}

bench_start_node() {
  local dir="$1" port="$2" heap="$3"
  local dist_dir
  dist_dir="$(dirname "$dir")"
  mkdir -p "$dist_dir"
  if [ ! -f "$dist_dir/elasticsearch-8.19.21.zip" ]; then
    $MVN -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip -DoutputDirectory="$dist_dir"
  fi
  BENCH_NODE_DIR="$dir"
  if [ "${KEEP_NODE:-0}" != 1 ]; then
    trap 'scripts/node.sh stop --dir "$BENCH_NODE_DIR" >/dev/null || true' EXIT
  fi
  scripts/node.sh start --distribution "$dist_dir/elasticsearch-8.19.21.zip" \
    --plugin "$(ls es-plugin/target/instance-retrieval-*.zip | grep -v gpu | head -1)" \
    --dir "$dir" --http-port "$port" --transport-port $((port + 100)) --heap "$heap"
  curl -s "http://127.0.0.1:$port/_cat/nodes?h=version,jdk,heap.max"
}

bench_python_on_node() {
  local uptime=1
  if [ "$1" = --no-uptime ]; then
    uptime=0
    shift
  fi
  local name="$1" port="${BENCH_HTTP_PORT:-$2}" heap="${BENCH_HEAP:-$3}" script="$4"
  shift 4
  local out="$BENCH_ROOT/target/$name"
  mkdir -p "$out"
  bench_build
  bench_start_node "$out/node" "$port" "$heap"
  [ "$uptime" = 0 ] || echo "== uptime: $(uptime)"
  "${PYTHON:-python3}" "$script" --url "http://127.0.0.1:$port" --out "$out/results.json" "$@" | tee "$out/bench.log"
  [ "$uptime" = 0 ] || echo "== uptime: $(uptime)"
}

bench_nsfwjs_classpath() {
  local dir="$1"
  shift
  (cd "$dir" && npm pack --silent nsfwjs@4.4.0 >/dev/null && tar -xzf nsfwjs-4.4.0.tgz)
  # the last module of the reactor (model-store) writes the classpath file last
  $MVN "$@" -pl model-store -am package -DskipTests dependency:build-classpath -Dmdep.outputFile="$dir/cp.txt" \
    -Dmdep.includeScope=test
  BENCH_CP="model-store/target/classes:model-store/target/test-classes:$(cat "$dir/cp.txt")"
}
