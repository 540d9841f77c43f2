#!/usr/bin/env python3
"""GPR1200-scale evaluation through POST {index}/_retrieval_eval (engine exact) on a real node.

Reads the files written by org.instanceretrieval.bench.Gpr1200LikeData (shape.txt, vectors.f32,
labels.i32), indexes every vector into a one-shard index (dense_vector, dot_product, index_options
flat: no HNSW graph, which the exact engine does not use), stores the ground truth as class labels
(names {label}_{i}, protocol gpr1200), runs the evaluation once to warm up and then --runs times,
and reports the endpoint's took_ms (vectors read from the index included) and timings.

With --numpy-e2e it also times the numpy reference end to end the way a Python user would do it
against the same node: read the vectors back from the index (search_after pages over _source),
then bench/gpr1200_reference.py's evaluation.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpr1200_reference  # noqa: E402
from es_client import Node, bulk, create_index  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data_dir")
    p.add_argument("--url", default="http://127.0.0.1:9250")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--numpy-e2e", action="store_true")
    p.add_argument("--numpy-runs", type=int, default=1)
    args = p.parse_args()
    x, labels = gpr1200_reference.load(args.data_dir)
    n, dim = x.shape
    names = [f"{labels[i]}_{i}" for i in range(n)]
    node = Node(args.url, timeout=600)
    create_index(node, "gpr-bench", {"v": {"type": "dense_vector", "dims": dim, "similarity": "dot_product",
                                           "index_options": {"type": "flat"}}})
    t0 = time.perf_counter()
    bulk(node, "gpr-bench", n, lambda i: (json.dumps({"index": {"_id": names[i]}}), json.dumps({"v": [float(v) for v in x[i]]})),
         batch=500, in_flight=1)
    node.call("POST", "/gpr-bench/_refresh")
    node.call("POST", "/gpr-bench/_forcemerge?max_num_segments=1")
    print(f"indexed {n} x {dim} in {time.perf_counter() - t0:.1f} s", flush=True)
    node.delete_if_exists("/_retrieval/ground_truth/gpr-bench")
    node.call("PUT", "/_retrieval/ground_truth/gpr-bench",
              {"format": "json", "data": {"protocol": "gpr1200", "classes": {names[i]: str(labels[i]) for i in range(n)}}})

    body = {"ground_truth": "gpr-bench", "field": "v", "engine": "exact"}
    took, wall, maps = [], [], []
    for run in range(args.runs + 1):
        t = time.perf_counter()
        r = node.call("POST", "/gpr-bench/_retrieval_eval", body)
        w = time.perf_counter() - t
        print(f"{'warm-up' if run == 0 else 'run ' + str(run)}: wall {w:.3f} s, took_ms {r['took_ms']}, timings {r['timings']}, "
              f"mAP={r['overall']['mAP']:.9f}", flush=True)
        if run > 0:
            took.append(r["took_ms"] / 1000.0)
            wall.append(w)
            maps.append(r["overall"]["mAP"])
    print(f"endpoint median_took_s={statistics.median(took):.4f} median_wall_s={statistics.median(wall):.4f} "
          f"best_wall_s={min(wall):.4f} mAP={maps[-1]:.9f}", flush=True)

    if args.numpy_e2e:
        times = []
        for run in range(args.numpy_runs):
            t = time.perf_counter()
            rows = {}
            page = node.call("POST", "/gpr-bench/_search?scroll=1m", {"size": 1000, "sort": ["_doc"], "_source": ["v"]})
            while page["hits"]["hits"]:
                for h in page["hits"]["hits"]:
                    rows[h["_id"]] = h["_source"]["v"]
                page = node.call("POST", "/_search/scroll", {"scroll": "1m", "scroll_id": page["_scroll_id"]})
            node.call("DELETE", "/_search/scroll", {"scroll_id": page["_scroll_id"]})
            read = time.perf_counter() - t
            xr = np.ascontiguousarray(np.array([rows[nm] for nm in names], dtype=np.float32))
            m = gpr1200_reference.evaluate(xr, labels, "quicksort", [])
            times.append(time.perf_counter() - t)
            print(f"numpy e2e run {run}: {times[-1]:.3f} s (reading {read:.3f} s), mAP={m:.9f}", flush=True)
        print(f"numpy_e2e median_s={statistics.median(times):.4f}", flush=True)


if __name__ == "__main__":
    main()
