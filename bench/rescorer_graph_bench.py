#!/usr/bin/env python3
"""Latency of the diffusion rescorer on a stored neighbour graph against plain retrieval_knn, on a real node.

1. Generates N x D clustered unit vectors (numpy, fixed seed; --clusters centres, Gaussian noise).
2. Computes every document's top-k neighbour list with numpy (blocked X @ X.T, argpartition; self excluded; similarity
   descending, then _id ascending) and encodes it in the NeighbourListCodec format, written here from its specification
   (version 1, varint count, per entry varint id length, UTF-8 id, float32 little-endian).
3. Indexes the vectors (dense_vector, dot_product, index_options flat, one shard) with their lists in the binary doc-values
   field retrieval_graph.v, force-merges to one segment, and marks the graph done in the mapping _meta (what the graph build
   job writes).
4. Times --queries queries (noisy copies of random documents), after --warmup untimed ones, in three modes:
     plain:  retrieval_knn k = --window, size 10
     stored: the same plus rescore window --window, diffusion graph stored (defaults k 50, gamma 3, query_k 10, alpha 0.99)
     window: the same with graph window (the window's kNN graph rebuilt per query)
   (--rescorer k_reciprocal: the k_reciprocal rescorer instead, graph stored / window, defaults k1 20, k2 6, lambda 0.3)
   and reports p50 / p90 of the client wall time and of the node's "took", and the added latency of each rescorer over
   plain at p50 (target for stored: added <= 1x plain p50).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from es_client import Node, bulk, create_index, encode_list, mark_graph_done, pct, timed_rounds  # noqa: E402


def clustered(n, dim, clusters, noise, seed):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    x = centres[np.arange(n) % clusters] + noise * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), rng


def knn_lists(x, k, cache=None, block=None):
    """Each row's k most similar other rows: (ids, sims), similarity descending then id (as a string) ascending."""
    if cache and os.path.exists(cache):
        z = np.load(cache)
        return [([str(j) for j in ids], [float(v) for v in sims]) for ids, sims in zip(z["ids"], z["sims"])]
    n = x.shape[0]
    block = block or max(64, min(2048, 50_000_000 // n))  # about 200 MB of scores per block
    lists = []
    for start in range(0, n, block):
        s = x[start:start + block] @ x.T
        for r in range(s.shape[0]):
            s[r, start + r] = -np.inf
        top = np.argpartition(-s, k, axis=1)[:, :k + 1]
        for r in range(s.shape[0]):
            cand = [j for j in top[r] if j != start + r]
            cand.sort(key=lambda j: (-float(s[r, j]), str(j)))
            cand = cand[:k]
            lists.append(([str(j) for j in cand], [float(s[r, j]) for j in cand]))
    if cache:
        os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
        np.savez(cache, ids=np.array([[int(i) for i in l[0]] for l in lists], dtype=np.int32),
                 sims=np.array([l[1] for l in lists], dtype=np.float32))
    return lists


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:9260")
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--k", type=int, default=50, help="neighbours stored per document")
    p.add_argument("--clusters", type=int, default=200)
    p.add_argument("--noise", type=float, default=0.6)
    p.add_argument("--window", type=int, default=1000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--modes", default="plain,stored,window")
    p.add_argument("--rescorer", default="diffusion", choices=["diffusion", "k_reciprocal"],
                   help="the rescorer timed in the stored and window modes (k_reciprocal with its defaults k1 20, k2 6, lambda 0.3)")
    p.add_argument("--skip-index", action="store_true", help="reuse the index of an earlier run")
    p.add_argument("--cache", default=None, help="npz file caching the numpy lists between runs (same n, dim, k, clusters, noise)")
    args = p.parse_args()
    node = Node(args.url, timeout=600)
    index = "graph-bench"
    x, rng = clustered(args.n, args.dim, args.clusters, args.noise, 42)
    if not args.skip_index:
        t0 = time.perf_counter()
        lists = knn_lists(x, args.k, args.cache)
        print(f"numpy top-{args.k} lists of {args.n} x {args.dim}: {time.perf_counter() - t0:.1f} s", flush=True)
        create_index(node, index, {
            "v": {"type": "dense_vector", "dims": args.dim, "similarity": "dot_product", "index_options": {"type": "flat"}},
            "retrieval_graph": {"properties": {"v": {"type": "binary", "doc_values": True}}}})
        t0 = time.perf_counter()
        bulk(node, index, args.n, lambda i: (json.dumps({"index": {"_index": index, "_id": str(i)}}),
                                             json.dumps({"v": [round(float(f), 7) for f in x[i]],
                                                         "retrieval_graph": {"v": encode_list(*lists[i])}})), in_flight=1)
        node.call("POST", f"/{index}/_refresh")
        node.call("POST", f"/{index}/_forcemerge?max_num_segments=1")
        node.call("PUT", f"/{index}/_settings", {"index": {"refresh_interval": "1s"}})
        mark_graph_done(node, index, "v", args.k, args.n, "bench:1")
        print(f"indexed {args.n} documents with their lists: {time.perf_counter() - t0:.1f} s", flush=True)

    queries = []
    for _ in range(args.warmup + args.queries):
        q = x[rng.integers(args.n)] + 0.1 * rng.standard_normal(args.dim).astype(np.float32)
        queries.append([round(float(f), 7) for f in q / np.linalg.norm(q)])

    def body(q, mode):
        b = {"size": 10, "_source": False, "query": {"retrieval_knn": {"field": "v", "query_vector": q, "k": args.window}}}
        if mode != "plain":
            b["rescore"] = {"window_size": args.window, args.rescorer: {"field": "v", "query_vector": q, "graph": mode}}
        return b

    modes = args.modes.split(",")
    results = {}
    # interleave the modes query by query so that background load hits them alike
    wall, took = timed_rounds(node, index, {m: [body(q, m) for q in queries[:args.warmup]] for m in modes},
                              {m: [body(q, m) for q in queries[args.warmup:]] for m in modes})
    for mode in modes:
        results[mode] = (statistics.median(wall[mode]), pct(wall[mode], 90), statistics.median(took[mode]),
                         pct(took[mode], 90))
        print(f"{mode:7s} wall p50 {results[mode][0]:7.2f} ms  p90 {results[mode][1]:7.2f} ms   took p50 {results[mode][2]:5.1f} ms"
              f"  p90 {results[mode][3]:5.1f} ms")
    if "plain" in results:
        base = results["plain"][0]
        for mode in modes:
            if mode != "plain":
                added = results[mode][0] - base
                print(f"{mode:7s} added latency at p50: {added:6.2f} ms = {added / base:.2f}x plain p50 ({base:.2f} ms)"
                      + ("   (target <= 1x)" if mode == "stored" else ""))
    print(f"rescorer {args.rescorer}, n {args.n}, dim {args.dim}, stored k {args.k}, window {args.window}, {args.queries} queries", file=sys.stderr)


if __name__ == "__main__":
    main()
