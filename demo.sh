#!/usr/bin/env bash
# The main job, end to end on a fresh machine: builds the plugin, fetches Elasticsearch 8.19.21
# through Maven, starts a real node on loopback with the plugin installed, then (demo module,
# org.instanceretrieval.demo.run.DemoMain) generates a seeded instance-retrieval dataset (or
# takes yours), learns PCA whitening on a disjoint training set (a second generated set, seed +
# 1000, or --whitening-images; never the evaluated images), indexes it through the
# image_descriptor ingest processor, runs DBA and diffusion with the seeds' default settings,
# stores the ground truth, evaluates the eight configurations of
# table 1 with _retrieval_eval, prints the table and writes target/demo/report/report.html.
# The node keeps running afterwards; the last lines say how to reach and stop it.
#
#   ./demo.sh [--size tiny|small|medium|large] [--seed N]
#             [--images DIR --ground-truth FILE.json] [--model FILE.onnx [--model-config FILE.json]]
#             [--whitening-images DIR] [--no-whitening]
#   ./demo.sh --photos DIR [--model FILE.onnx [--model-config FILE.json]]
#             (real photos named CLASS_name.jpg: a GPR1200 table, the 16x16 thumbnail baseline first)
#
# (HTTP port: $DEMO_HTTP_PORT, default 9200; default size small, seed 42, the built-in model.)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ "$(id -u)" = 0 ]; then
  # Elasticsearch refuses root: rerun as an unprivileged user in a copy it owns. Files the
  # options name are staged into the repository first, so that user can read them.
  args=() stage="$repo/target/demo-input"
  while [ $# -gt 0 ]; do
    case "$1" in
      --images|--ground-truth|--model|--model-config|--whitening-images|--photos)
        [ $# -ge 2 ] || { echo "demo.sh: $1 needs a value" >&2; exit 2; }
        # one folder per option, so --images and --whitening-images both named images/ do not collide
        sub="${1#--}/$(basename "$2")"; target="$stage/$sub"
        mkdir -p "$(dirname "$target")"; rm -rf "$target"; cp -a "$2" "$target"
        args+=("$1" "target/demo-input/$sub"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  exec "$repo/scripts/as-unprivileged.sh" retrieval-demo ./demo.sh ${args[@]+"${args[@]}"}
fi
cd "$repo"
http_port=${DEMO_HTTP_PORT:-9200}
transport_port=${DEMO_TRANSPORT_PORT:-9300}
es_version=8.19.21
demo_dir="$repo/target/demo"

echo "==> Building the plugin zip and the demo"
mvn -B -q -DskipTests package
echo "==> Fetching Elasticsearch $es_version through Maven"
mvn -B -q -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$es_version:zip" \
  -DoutputDirectory="$demo_dir"
echo "==> Starting the node with the plugin"
scripts/node.sh start --distribution "$demo_dir/elasticsearch-$es_version.zip" \
  --plugin "$(ls es-plugin/target/instance-retrieval-*.zip)" --dir "$demo_dir/node" \
  --http-port "$http_port" --transport-port "$transport_port" --heap 1g
curl -s "http://127.0.0.1:$http_port/_cat/plugins?v"

status=0
java -cp "demo/target/classes:demo/target/lib/*" org.instanceretrieval.demo.run.DemoMain \
  --es "http://127.0.0.1:$http_port" --out "$demo_dir" "$@" || status=$?

case " $* " in
  *" --photos "*) what="indices are demo-photos-0 (the thumbnails), demo-photos-1, ... (one per model row, in the
table's order)" ;;
  *) what="indices are demo-images and demo-queries, recorded runs are in GET _retrieval_eval/runs.
Report: $demo_dir/report/report.html" ;;
esac
cat <<MSG

The node keeps running at http://127.0.0.1:$http_port (logs: $demo_dir/node/logs); the demo's
$what
Stop the node with:
  $repo/scripts/node.sh stop --dir $demo_dir/node
MSG
if [ "$(id -un)" = retrieval-demo ]; then
  echo "(as root: runuser -u retrieval-demo -- $repo/scripts/node.sh stop --dir $demo_dir/node)"
fi
exit $status
