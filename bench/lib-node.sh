# Shared by the bench/run-*.sh scripts that run a benchmark against a real node (sourced, not run):
#   bench_as_user SCRIPT "$@"   as root, reruns SCRIPT (a path under the repository) as the user retrieval-bench
#                               (scripts/as-unprivileged.sh), as Elasticsearch refuses root; otherwise returns
#   bench_build [MAVEN ARGS]    builds the plugin zip ($MVN -DskipTests package), unless SKIP_BUILD=1
#   bench_start_node DIR PORT HEAP
#                               fetches Elasticsearch 8.19.21 (integ-test zip, through Maven, into DIR's parent once),
#                               starts a node with the plugin zip in DIR (scripts/node.sh, HTTP PORT, transport PORT+100)
#                               and stops it when the script exits, unless KEEP_NODE=1
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
