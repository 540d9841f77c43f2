#!/usr/bin/env bash
# The main job, end to end on a fresh machine: builds the plugin, fetches Elasticsearch 8.19.21
# through Maven, starts a real node on loopback with the plugin installed and shows it loaded.
# The node keeps running afterwards; the last lines say how to reach and stop it.
#
#   ./demo.sh            (HTTP port: $DEMO_HTTP_PORT, default 9200)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "$(id -u)" = 0 ]; then
  # Elasticsearch refuses root: rerun as an unprivileged user in a copy it owns.
  exec "$repo/scripts/as-unprivileged.sh" retrieval-demo ./demo.sh "$@"
fi
cd "$repo"
http_port=${DEMO_HTTP_PORT:-9200}
transport_port=${DEMO_TRANSPORT_PORT:-9300}
es_version=8.19.21
demo_dir="$repo/target/demo"

echo "==> Building the plugin zip"
mvn -B -q -DskipTests package
echo "==> Fetching Elasticsearch $es_version through Maven"
mvn -B -q -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$es_version:zip" \
  -DoutputDirectory="$demo_dir"
echo "==> Starting the node with the plugin"
scripts/node.sh start --distribution "$demo_dir/elasticsearch-$es_version.zip" \
  --plugin "$(ls es-plugin/target/instance-retrieval-*.zip)" --dir "$demo_dir/node" \
  --http-port "$http_port" --transport-port "$transport_port" --heap 1g

echo "==> GET _cat/plugins?v"
curl -s "http://127.0.0.1:$http_port/_cat/plugins?v"
echo "==> The node's JVM and version"
curl -s "http://127.0.0.1:$http_port/_cat/nodes?v&h=name,version,jdk,heap.max"

cat <<MSG

The node keeps running at http://127.0.0.1:$http_port (logs: $demo_dir/node/logs).
Stop it with:
  $repo/scripts/node.sh stop --dir $demo_dir/node
MSG
if [ "$(id -un)" = retrieval-demo ]; then
  echo "(as root: runuser -u retrieval-demo -- $repo/scripts/node.sh stop --dir $demo_dir/node)"
fi
