#!/usr/bin/env python3
"""Query-set expansion (retrieval_knn "expansion": {"method": "query_set"}) against a real node:

  a. latency: plain top-level kNN, retrieval_knn with AQE (n 10) and with query_set (pool 1,000
     and pool 100, the seed's other defaults), interleaved per query, on clustered unit vectors
     (bench/bench_data.py's clustered), default dense_vector index options;
  b. mAP of the options of the seed's table 2 on manifold-style data: each class is a random
     walk on the sphere (consecutive members are close, the ends of a walk are far apart), so a
     query's positives are reachable through neighbours of neighbours. Queries are perturbed
     members (not indexed); positives are the whole class; AP (revisitop's trapezoid, no junk)
     over each ranking of max(pool, 100) hits;
  c. scan: the first round scanning every vector (at most 64 vectors per candidate) against its graph search, query_set
     pool 1,000 on 2 x --docs vectors with num_candidates 1,000, 1,500 (graph) and 1,600 (scan).

    bench/query_set_bench.py --url http://127.0.0.1:9260 [--docs 50000] [--dims 128] [--only latency,map,scan]

Prints one block per part and writes the numbers as JSON to --out.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_data import average_precision, clustered, load_manifold, make_queries  # noqa: E402
from es_client import interleaved, latency_args, load, run_parts  # noqa: E402


TABLE2 = [  # (row, expansion options); the seed's table 2 runs two iterations unless it says 1x or 4x
    ("avg topk", {"aggregation": "avg", "select": "top_k", "k": 5, "iterations": 2}),
    ("avg topk w/ spa.", {"aggregation": "avg", "select": "top_k", "k": 5, "sparsity": 0.6, "iterations": 2}),
    ("avg threshold", {"aggregation": "avg", "select": "threshold", "threshold": 0.6, "iterations": 2}),
    ("max topk", {"aggregation": "max", "select": "top_k", "k": 5, "iterations": 2}),
    ("max topk w/ spa.", {"aggregation": "max", "select": "top_k", "k": 5, "sparsity": 0.6, "iterations": 2}),
    ("max threshold", {"aggregation": "max", "select": "threshold", "threshold": 0.6, "iterations": 2}),
    ("avg topk 1x", {"aggregation": "avg", "select": "top_k", "k": 5, "iterations": 1}),
    ("avg topk 4x (default)", {"aggregation": "avg", "select": "top_k", "k": 5, "iterations": 4}),
]


def run_map(node, args):
    index = "bench-qs-map"
    x, labels = load_manifold(node, index, args, "mAP of table 2's options", f"pool {args.pool}")
    rng = np.random.default_rng(6)
    picks = rng.integers(0, len(x), args.map_queries)
    q = x[picks] + (0.05 / np.sqrt(args.dims)) * rng.standard_normal((len(picks), args.dims)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    size = max(args.pool, 100)
    configs = [("kNN (no expansion)", None), ("AQE n 10", {"method": "aqe", "n": 10})]
    configs += [(row, dict({"method": "query_set", "pool": args.pool}, **o)) for row, o in TABLE2]
    out = {}
    for row, expansion in configs:
        aps = []
        for qi, v in enumerate(q):
            knn = {"field": "v", "query_vector": v.tolist(), "k": size, "num_candidates": size}
            if expansion:
                knn["expansion"] = expansion
            hits = node.call("POST", f"/{index}/_search", {"size": size, "_source": False, "query": {"retrieval_knn": knn}})
            ranking = [int(h["_id"]) for h in hits["hits"]["hits"]]
            positives = set(np.flatnonzero(labels == labels[picks[qi]]).tolist())
            aps.append(average_precision(ranking, positives))
        out[row] = float(np.mean(aps))
        print(f"  {row:24s} mAP {100 * out[row]:6.2f}", flush=True)
    node.call("DELETE", f"/{index}")
    return out


def plain_knn(q):
    """Elasticsearch's top-level kNN: k 10, num_candidates 100."""
    return {"size": 10, "_source": False, "knn": {"field": "v", "query_vector": q, "k": 10, "num_candidates": 100}}


def retrieval_knn(q, expansion=None, num_candidates=100):
    """retrieval_knn with k 10, optionally with an expansion."""
    knn = {"field": "v", "query_vector": q, "k": 10, "num_candidates": num_candidates}
    if expansion:
        knn["expansion"] = expansion
    return {"size": 10, "_source": False, "query": {"retrieval_knn": knn}}


def timed(node, index, x, query_seed, configs, args):
    """Loads x into index (dot_product, default dense_vector index options), runs configs interleaved over --queries
    queries (make_queries with query_seed), deletes the index; name -> summary."""
    load(node, index, x, {"v": {"type": "dense_vector", "dims": args.dims, "similarity": "dot_product"}})
    queries = make_queries(x, args.queries, seed=query_seed)
    r = interleaved(node, index, configs, queries, args.warmup, args.repeat)
    node.call("DELETE", f"/{index}")
    return r


def run_latency(node, args):
    print(f"== a. latency on {args.docs} x {args.dims} (default dense_vector index options; k 10, num_candidates 100)", flush=True)
    r = timed(node, "bench-qs", clustered(args.docs, args.dims, seed=1), 2, {
        "knn": plain_knn,
        "retrieval_knn_aqe_10": lambda q: retrieval_knn(q, {"method": "aqe", "n": 10}),
        "retrieval_knn_query_set_pool_1000": lambda q: retrieval_knn(q, {"method": "query_set", "pool": 1000}),
        "retrieval_knn_query_set_pool_100": lambda q: retrieval_knn(q, {"method": "query_set", "pool": 100}),
    }, args)
    base = r["knn"]["p50_ms"]
    for name in list(r):
        if name != "knn":
            r[name]["added_p50_ms"] = r[name]["p50_ms"] - base
            r[name]["added_p50_over_knn_p50"] = (r[name]["p50_ms"] - base) / base
    print(json.dumps(r, indent=1), flush=True)
    return r


def run_scan(node, args):
    """c. The first round's scan against its graph search: query_set pool 1,000 over 2 x --docs clustered vectors (another
    seed than part a), with num_candidates 1,000 and 1,500 (at the default size 100 and 67 vectors per candidate: the graph
    search) and 1,600 (62.5: the scan, at most 64 vectors per candidate), interleaved with plain kNN."""
    docs = 2 * args.docs
    print(f"== c. first-round scan or graph on {docs} x {args.dims} (query_set pool 1,000; k 10)", flush=True)
    configs = {"knn": plain_knn}
    for candidates in (1000, 1500, 1600):
        configs[f"query_set_pool_1000_num_candidates_{candidates}"] = (
            lambda c: lambda q: retrieval_knn(q, {"method": "query_set", "pool": 1000}, num_candidates=c))(candidates)
    r = timed(node, "bench-qs-scan", clustered(docs, args.dims, seed=11), 12, configs, args)
    for candidates in (1000, 1500, 1600):
        r[f"query_set_pool_1000_num_candidates_{candidates}"]["vectors_per_candidate"] = docs / candidates
    print(json.dumps(r, indent=1), flush=True)
    return r


def main():
    ap = latency_args()
    ap.add_argument("--pool", type=int, default=1000)
    ap.add_argument("--map-queries", type=int, default=100)
    run_parts(ap, {"latency": run_latency, "map": run_map, "scan": run_scan}, "bench-query-set.json")


if __name__ == "__main__":
    main()
