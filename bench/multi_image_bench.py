#!/usr/bin/env python3
"""Multi-image queries (retrieval_knn "query_vectors" + "query_aggregation") against a real node:

  a. latency: top-level kNN and retrieval_knn with one query_vector against retrieval_knn with
     query_vectors of 1, 2 and 5 members, avg and max, interleaved per query (same run), on
     clustered unit vectors (bench/bench_data.py's clustered), default dense_vector index options,
     k 10, num_candidates 100; a set's members are perturbed copies of one database vector;
  b. mAP gain of a set over one image on manifold-style data (bench/bench_data.py's random
     walks on the sphere: a class is an object seen along a path of viewpoints, its ends far
     apart). A query set is m perturbed members of one class at random positions of its walk (not
     indexed); positives are the whole class; AP (revisitop's trapezoid, no junk) over the top
     100, "exact": true. The single-image row queries each member alone (mean over members, so it
     uses the same images as the sets); the set rows query all m at once. Also AQE (n 10) and
     query-set expansion (defaults, pool 1,000) from one image and from the set.

    bench/multi_image_bench.py --url http://127.0.0.1:9260 [--docs 50000] [--dims 128] [--only latency,map]

Prints one block per part and writes the numbers as JSON to --out.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_data import average_precision, clustered, load_manifold  # noqa: E402
from es_client import interleaved, latency_args, load, run_parts  # noqa: E402


def member_sets(x, count, members, seed, noise=0.3):
    """count sets of `members` unit vectors, each a perturbed copy of one random database vector."""
    rng = np.random.default_rng(seed)
    picks = x[rng.integers(0, len(x), count)]
    sets = []
    for p in picks:
        q = p + (noise / np.sqrt(x.shape[1])) * rng.standard_normal((members, x.shape[1]), dtype=np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        sets.append(q.astype(np.float32).tolist())
    return sets


def run_latency(node, args):
    x = clustered(args.docs, args.dims, seed=1)
    print(f"== a. latency on {args.docs} x {args.dims} (default dense_vector index options; k 10, num_candidates 100)", flush=True)
    load(node, "bench-mi", x, {"v": {"type": "dense_vector", "dims": args.dims, "similarity": "dot_product"}})
    sets = member_sets(x, args.queries, 5, seed=2)
    del x
    base = {"field": "v", "k": 10, "num_candidates": 100}
    # a "query" of interleaved() is the index of a set; a config makes its request body
    configs = {
        "knn": lambda i: {"size": 10, "_source": False, "knn": dict(base, query_vector=sets[i][0])},
        "retrieval_knn_query_vector": lambda i: {"size": 10, "_source": False,
                                                 "query": {"retrieval_knn": dict(base, query_vector=sets[i][0])}},
    }
    for m in (1, 2, 5):
        for agg in ("avg", "max"):
            configs[f"query_vectors_{m}_{agg}"] = (lambda m, agg: lambda i: {"size": 10, "_source": False, "query": {
                "retrieval_knn": dict(base, query_vectors=sets[i][:m], query_aggregation=agg)}})(m, agg)
    r = interleaved(node, "bench-mi", configs, list(range(len(sets))), args.warmup, args.repeat)
    for name in list(r):
        r[name]["p50_over_knn_p50"] = r[name]["p50_ms"] / r["knn"]["p50_ms"]
    node.call("DELETE", "/bench-mi")
    print(json.dumps(r, indent=1), flush=True)
    return r


def run_map(node, args):
    index = "bench-mi-map"
    x, labels = load_manifold(node, index, args, "mAP of multi-image queries",
                              f"{args.map_queries} query sets per size, exact, top 100")
    rng = np.random.default_rng(6)
    size = 100

    def search(knn):
        body = {"size": size, "_source": False, "query": {"retrieval_knn": dict({"field": "v", "k": size, "exact": True}, **knn)}}
        return [int(h["_id"]) for h in node.call("POST", f"/{index}/_search", body)["hits"]["hits"]]

    expansions = {"": None, " + AQE n 10": {"method": "aqe", "n": 10},
                  " + query_set (defaults, pool 1000)": {"method": "query_set", "pool": 1000}}
    out = {}
    for m in args.set_sizes:
        queries = []
        for _ in range(args.map_queries):
            c = int(rng.integers(0, args.classes))
            members = np.flatnonzero(labels == c)[rng.choice(args.per_class, m, replace=False)]
            q = x[members] + (0.05 / np.sqrt(args.dims)) * rng.standard_normal((m, args.dims)).astype(np.float32)
            q /= np.linalg.norm(q, axis=1, keepdims=True)
            queries.append((set(np.flatnonzero(labels == c).tolist()), q.astype(np.float32).tolist()))
        for suffix, expansion in expansions.items():
            extra = {"expansion": expansion} if expansion else {}
            rows = {f"one image{suffix}": [], f"set of {m}, avg{suffix}": [], f"set of {m}, max{suffix}": []}
            for positives, q in queries:
                # the single-image row: every member alone, averaged, so that it sees the same images as the set
                rows[f"one image{suffix}"].append(np.mean([average_precision(search(dict(query_vector=v, **extra)), positives)
                                                           for v in q]))
                for agg in ("avg", "max"):
                    ranking = search(dict(query_vectors=q, query_aggregation=agg, **extra))
                    rows[f"set of {m}, {agg}{suffix}"].append(average_precision(ranking, positives))
            for row, aps in rows.items():
                out[f"m={m}: {row}"] = float(np.mean(aps))
                print(f"  m={m}: {row:45s} mAP {100 * out[f'm={m}: {row}']:6.2f}", flush=True)
    node.call("DELETE", f"/{index}")
    return out


def main():
    ap = latency_args()
    ap.add_argument("--map-queries", type=int, default=100)
    ap.add_argument("--set-sizes", type=lambda s: [int(v) for v in s.split(",")], default=[2, 3, 5])
    run_parts(ap, {"latency": run_latency, "map": run_map}, "bench-multi-image.json")


if __name__ == "__main__":
    main()
