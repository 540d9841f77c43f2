#!/usr/bin/env bash
# Checks the model endpoints on a real node with security enabled: which cluster privilege each
# endpoint needs, and that the plugin reaches its system index for any authorized caller while
# users cannot touch the index directly. Not part of `mvn verify` (it starts its own node).
#
#   scripts/check-model-store-security.sh DISTRIBUTION.zip PLUGIN.zip [HTTP_PORT]
#
# Run as an unprivileged user (Elasticsearch refuses root). Exits non-zero on the first
# unexpected status; always stops the node it started.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
distribution=$(readlink -f "$1"); plugin=$(readlink -f "$2"); port=${3:-19281}
dir=$(mktemp -d); pidfile="$dir/node.pid"
stop() {
  local pid; pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done; fi
  rm -rf "$dir"
}
trap stop EXIT

mkdir -p "$dir/tmp" "$dir/data" "$dir/logs"
unzip -q "$distribution" -d "$dir"
home=$(echo "$dir"/elasticsearch-*)
export ES_JAVA_HOME=${NODE_JAVA_HOME:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
export ES_TMPDIR="$dir/tmp" ES_JAVA_OPTS="-Xms512m -Xmx512m"
"$home/bin/elasticsearch-plugin" install --batch "file://$plugin" >/dev/null
cat >> "$home/config/elasticsearch.yml" <<YML
network.host: 127.0.0.1
http.port: $port
transport.port: $((port + 100))
discovery.type: single-node
xpack.security.enabled: true
xpack.security.http.ssl.enabled: false
xpack.security.transport.ssl.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
path.data: $dir/data
path.logs: $dir/logs
YML
cat >> "$home/config/roles.yml" <<YML
model_admin: { cluster: [manage] }
model_viewer: { cluster: [monitor] }
indices_only: { cluster: [], indices: [ { names: ['*'], privileges: [all] } ] }
YML
"$home/bin/elasticsearch-users" useradd admin -p admin-pass -r model_admin
"$home/bin/elasticsearch-users" useradd viewer -p viewer-pass -r model_viewer
"$home/bin/elasticsearch-users" useradd other -p other-pass -r indices_only
"$home/bin/elasticsearch" -d -p "$pidfile" > "$dir/logs/console.out" 2>&1
url=http://127.0.0.1:$port
for _ in $(seq 1 60); do curl -sf -u admin:admin-pass "$url/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null && break; sleep 2; done

# expect STATUS USER METHOD PATH [BODY]
expect() {
  local want=$1 user=$2 method=$3 path=$4 body=${5:-}
  local got; got=$(curl -s -o "$dir/last.json" -w '%{http_code}' -u "$user" -X "$method" -H 'Content-Type: application/json' \
    ${body:+--data-binary "$body"} "$url$path")
  if [ "$got" != "$want" ]; then echo "FAIL: $user $method $path: $got, expected $want: $(cat "$dir/last.json")" >&2; exit 1; fi
  echo "ok: $want $user $method $path"
}
sha=71c01cf2ab9d84ae0c5766477b4937841b1c8eb8f3eb2f8c80d0a584f567fb5a  # of "not really onnx: 30 test bytes"
part() { echo "{\"definition\":\"$1\",\"total_parts\":3,\"total_definition_length\":30,\"sha256\":\"$sha\"}"; }
config='{"input":{"size":{"longest_side":1024}},"output":{"kind":"feature_map"}}'

expect 200 admin:admin-pass PUT /_retrieval/model/sec-model "$config"
expect 403 viewer:viewer-pass PUT /_retrieval/model/sec-other "$config"
expect 403 viewer:viewer-pass PUT /_retrieval/model/sec-model/definition/0 "$(part bm90IHJlYWxseSBv)"
expect 200 admin:admin-pass PUT /_retrieval/model/sec-model/definition/0 "$(part bm90IHJlYWxseSBv)"
expect 200 admin:admin-pass PUT /_retrieval/model/sec-model/definition/1 "$(part bm54OiAzMCB0ZXN0)"
expect 200 admin:admin-pass PUT /_retrieval/model/sec-model/definition/2 "$(part IGJ5dGVz)"
grep -q '"state":"ready"' "$dir/last.json" || { echo "FAIL: not ready: $(cat "$dir/last.json")" >&2; exit 1; }
expect 200 viewer:viewer-pass GET /_retrieval/model
expect 200 viewer:viewer-pass GET /_retrieval/model/sec-model
expect 200 viewer:viewer-pass GET /_retrieval/model/sec-model/_stats
expect 403 other:other-pass GET /_retrieval/model
expect 403 other:other-pass GET /.retrieval-models-1/_search
expect 403 other:other-pass DELETE /_retrieval/model/sec-model
expect 403 viewer:viewer-pass DELETE /_retrieval/model/sec-model
expect 409 admin:admin-pass DELETE /_retrieval/model/default
expect 200 admin:admin-pass DELETE /_retrieval/model/sec-model
expect 404 admin:admin-pass GET /_retrieval/model/sec-model
echo "all security checks passed"
