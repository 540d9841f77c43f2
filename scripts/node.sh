#!/usr/bin/env bash
# Starts and stops a real Elasticsearch node with the plugin installed, on loopback.
# Used by the real-node test suite (rest-spec) and by the demo.
#
#   scripts/node.sh start --distribution ES.zip --plugin PLUGIN.zip --dir WORK_DIR \
#                         --http-port 9200 --transport-port 9300 [--heap 512m] [--security DIR]
#   scripts/node.sh stop  --dir WORK_DIR
#
# NODE_EXTRA_SETTINGS (environment): more elasticsearch.yml lines, e.g. thread pool sizes for a benchmark.
# --security DIR starts the node with security on (file realm, HTTP without TLS on loopback):
# DIR/roles.yml is appended to the node's roles.yml, and each line "user password role[,role]"
# of DIR/users is a file-realm user.
# The node's JDK: $NODE_JAVA_HOME if set, else Temurin 25 when installed (Lucene's SIMD
# vector code needs a recent JDK), else $JAVA_HOME, else the JDK of `java` on the PATH.
set -euo pipefail

usage() { sed -n '2,13p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
command=$1; shift
distribution='' plugin='' dir='' http_port='' transport_port='' heap=512m security=''
while [ $# -gt 0 ]; do
  case "$1" in
    --distribution) distribution=$2; shift 2 ;;
    --plugin) plugin=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --http-port) http_port=$2; shift 2 ;;
    --transport-port) transport_port=$2; shift 2 ;;
    --heap) heap=$2; shift 2 ;;
    --security) security=$2; shift 2 ;;
    *) echo "node.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$dir" ] || usage
pidfile="$dir/node.pid"

node_java_home() {
  if [ -n "${NODE_JAVA_HOME:-}" ]; then echo "$NODE_JAVA_HOME"
  elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then echo /usr/lib/jvm/temurin-25-jdk-amd64
  elif [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME"
  else dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}

stop_node() {
  [ -f "$pidfile" ] || { echo "node.sh: no node running in $dir"; return 0; }
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then echo "node.sh: node $pid ignored SIGTERM, killing it"; kill -KILL "$pid" || true; fi
  fi
  rm -f "$pidfile"
  echo "node.sh: node in $dir stopped"
}

start_node() {
  [ -n "$distribution" ] && [ -n "$plugin" ] && [ -n "$http_port" ] && [ -n "$transport_port" ] || usage
  if [ "$(id -u)" = 0 ]; then
    echo "node.sh: Elasticsearch refuses to run as root; run this as an unprivileged user" >&2; exit 1
  fi
  [ -f "$pidfile" ] && stop_node
  rm -rf "$dir"; mkdir -p "$dir/tmp" "$dir/data" "$dir/logs"
  unzip -q "$distribution" -d "$dir"
  local home; home=$(echo "$dir"/elasticsearch-*)
  export ES_JAVA_HOME; ES_JAVA_HOME=$(node_java_home)
  export ES_TMPDIR="$dir/tmp"
  export ES_JAVA_OPTS="-Xms$heap -Xmx$heap ${NODE_EXTRA_JAVA_OPTS:-}"
  echo "node.sh: installing $(basename "$plugin") into $home (JDK $ES_JAVA_HOME)"
  "$home/bin/elasticsearch-plugin" install --batch "file://$(readlink -f "$plugin")"
  cat >> "$home/config/elasticsearch.yml" <<YML
cluster.name: instance-retrieval-node
node.name: node-0
network.host: 127.0.0.1
http.port: $http_port
transport.port: $transport_port
discovery.type: single-node
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
path.data: $dir/data
path.logs: $dir/logs
YML
  [ -z "${NODE_EXTRA_SETTINGS:-}" ] || printf '%s\n' "$NODE_EXTRA_SETTINGS" >> "$home/config/elasticsearch.yml"
  if [ -z "$security" ]; then
    echo "xpack.security.enabled: false" >> "$home/config/elasticsearch.yml"
  else
    cat >> "$home/config/elasticsearch.yml" <<YML
xpack.security.enabled: true
xpack.security.http.ssl.enabled: false
xpack.security.transport.ssl.enabled: false
YML
    cat "$security/roles.yml" >> "$home/config/roles.yml"
    local user password roles
    while read -r user password roles; do
      [ -n "$user" ] && "$home/bin/elasticsearch-users" useradd "$user" -p "$password" -r "$roles"
    done < "$security/users"
  fi
  # The start-up log goes to a file (the full log is in logs/ anyway); -q cannot go with -d.
  "$home/bin/elasticsearch" -d -p "$pidfile" > "$dir/logs/console.out" 2>&1 || {
    echo "node.sh: elasticsearch failed to start:" >&2; tail -n 40 "$dir/logs/console.out" >&2; exit 1; }
  local url="http://127.0.0.1:$http_port/_cluster/health?wait_for_status=yellow&timeout=5s" auth=()
  # the first user of the security folder is the one the script waits with
  [ -n "$security" ] && auth=(-u "$(awk 'NF { print $1 ":" $2; exit }' "$security/users")")
  for _ in $(seq 1 90); do
    if curl -sf "${auth[@]}" "$url" >/dev/null 2>&1; then
      echo "node.sh: node up at http://127.0.0.1:$http_port (pid $(cat "$pidfile"), logs in $dir/logs)"
      return 0
    fi
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
    sleep 2
  done
  echo "node.sh: node did not become healthy; last log lines:" >&2
  tail -n 60 "$dir/logs/instance-retrieval-node.log" >&2 2>/dev/null || true
  stop_node
  exit 1
}

case "$command" in
  start) start_node ;;
  stop) stop_node ;;
  *) usage ;;
esac
