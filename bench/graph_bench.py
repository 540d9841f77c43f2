#!/usr/bin/env python3
"""Issue 13 against a real node, each number side by side with its reference in the same run.

    bench/graph_bench.py --url http://127.0.0.1:9270 [--docs 100000] [--dims 128] [--k 50]
                         [--only build,rescore,index,offline,dba]

One index `bench-graph` (1 shard, `dense_vector` dot_product, HNSW with Elasticsearch's default
options) of seeded clustered unit vectors (bench_data.clustered). Then:
  build   : `hnsw` graph build (wall time; lists read back), `exact` build (wall time; lists read
            back), numpy + OpenBLAS blocked `X_b @ X.T` + argpartition on the same vectors
            (knn_graph_reference.blocked); recall@k of hnsw against exact; exact rows equal to numpy's.
  rescore : retrieval_knn (k 1000) alone, + diffusion rescorer window 1000 on the stored graph,
            + the same rescorer rebuilding the window's graph; interleaved, p50 / p99.
  index   : the diffusion retriever with scope index (whole stored graph) p50, against scipy's
            sparse CG on the same graph (built here from the exact lists read back) per query.
  offline : offline rows build from the stored graph (wall time); offline query p50 against plain kNN, over the
            inner kNN's window of 1000 and over the whole index (scope index: Yang's query, top 100).
  dba     : the DBA job (n 20) reading neighbours from the stored graph (wall time).
No setting is tuned on these data: every option is the seed's default or the issue's value.
Prints a JSON block per benchmark and writes them all to --out.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_data import clustered, make_queries  # noqa: E402
from es_client import Node, decode_list, interleaved, job, load, loadavg, summary, write_results  # noqa: E402
from diffusion_reference import affinity  # noqa: E402
from knn_graph_reference import blocked  # noqa: E402

INDEX = "bench-graph"


def read_lists(node, field, n):
    """Every document's stored list from _source (scroll), as (n, k) int ids and float similarities."""
    source = f"retrieval_graph.{field}"
    r = node.call("POST", f"/{INDEX}/_search?scroll=2m", {"size": 5000, "_source": [source], "sort": ["_doc"]})
    lists = {}
    while r["hits"]["hits"]:
        for h in r["hits"]["hits"]:
            raw = h["_source"].get("retrieval_graph", {}).get(field)
            if raw is not None:
                lists[int(h["_id"])] = decode_list(raw)
        r = node.call("POST", "/_search/scroll", {"scroll": "2m", "scroll_id": r["_scroll_id"]})
    k = max(len(v[0]) for v in lists.values())
    ids = np.full((n, k), -1, dtype=np.int64)
    sims = np.zeros((n, k), dtype=np.float32)
    for d, (i, s) in lists.items():
        ids[d, :len(i)] = [int(x) for x in i]
        sims[d, :len(s)] = s
    return ids, sims


def run_build(node, x, k, methods, reference):
    out = {}
    hnsw_ids = None
    if "hnsw" in methods:
        wall, resp = job(node, "POST", f"/{INDEX}/_retrieval/graph/_build", {"field": "v", "k": k, "method": "hnsw"})
        hnsw_ids, _ = read_lists(node, "v", len(x))
        out["hnsw_build_s"] = wall
    wall, resp = job(node, "POST", f"/{INDEX}/_retrieval/graph/_build", {"field": "v", "k": k, "method": "exact"})
    exact_ids, exact_sims = read_lists(node, "v", len(x))
    out["exact_build_s"] = wall
    out["exact_response"] = resp
    if reference:
        t0 = time.perf_counter()
        ref = blocked(x, k, 4096)
        out["numpy_blocked_s"] = time.perf_counter() - t0
        out["exact_over_numpy"] = out["exact_build_s"] / out["numpy_blocked_s"]
        out["exact_rows_equal_numpy"] = float(np.mean(np.all(ref == exact_ids, axis=1)))
        out["exact_rows_same_set_as_numpy"] = float(np.mean([len(set(a) & set(b)) == k for a, b in zip(ref, exact_ids)]))
    if hnsw_ids is not None:
        out["hnsw_recall_at_k"] = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(hnsw_ids, exact_ids)]))
    return out, exact_ids, exact_sims


def scipy_queries(x, s, queries, kq=10, gamma=3, alpha=0.99):
    """Per query: y on the kq nearest (numpy), then scipy CG (rtol 1e-6, 20 iterations); ms of the CG alone and in total."""
    lap = (sp.eye(s.shape[0], format="csr") - alpha * s).tocsr()
    cg_ms, total_ms = [], []
    for q in queries:
        t0 = time.perf_counter()
        sims = x @ np.asarray(q, dtype=np.float32)
        top = np.argpartition(-sims, kq)[:kq]
        y = np.zeros(len(x))
        y[top] = np.maximum(sims[top].astype(np.float64), 0) ** gamma
        t1 = time.perf_counter()
        spla.cg(lap, y, rtol=1e-6, atol=0.0, maxiter=20)
        t2 = time.perf_counter()
        cg_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
    return summary("scipy_cg", cg_ms), summary("numpy_knn_plus_scipy_cg", total_ms)


def knn_body(q):
    return {"size": 10, "_source": False, "query": {"retrieval_knn": {"field": "v", "query_vector": q, "k": 1000, "num_candidates": 1000}}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:9270")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--n-trunc", type=int, default=51, help="offline rows: n_trunc - 1 <= stored k")
    ap.add_argument("--only", default="build,rescore,index,offline,dba")
    ap.add_argument("--methods", default="hnsw,exact", help="graph builds to run (the exact one last: later steps use it)")
    ap.add_argument("--no-reference", action="store_true", help="skip numpy's build (its time is the ratio's denominator)")
    ap.add_argument("--keep", action="store_true", help="reuse an existing bench-graph index and graph")
    ap.add_argument("--out", default="bench-graph.json")
    a = ap.parse_args()
    only = set(a.only.split(","))
    node = Node(a.url)
    result = {"load_before": loadavg(), "docs": a.docs, "dims": a.dims, "k": a.k}
    x = clustered(a.docs, a.dims, seed=11)
    queries = make_queries(x, a.queries, seed=12)
    if not a.keep:
        print(f"== index {INDEX}: {a.docs} x {a.dims}", flush=True)
        load(node, INDEX, x, {"v": {"type": "dense_vector", "dims": a.dims, "similarity": "dot_product"}})
    exact_ids = exact_sims = None
    if "build" in only:
        print(f"== build: {a.methods}{'' if a.no_reference else ', numpy'}", flush=True)
        result["build"], exact_ids, exact_sims = run_build(node, x, a.k, a.methods.split(","), not a.no_reference)
        print(json.dumps(result["build"], indent=1), flush=True)
    if "rescore" in only:
        print("== rescore: retrieval_knn k 1000, + diffusion window 1000 (stored graph / window graph)", flush=True)
        r = interleaved(node, INDEX, {
            "knn": knn_body,
            "stored": lambda q: dict(knn_body(q), rescore={"window_size": 1000,
                                                           "diffusion": {"field": "v", "query_vector": q, "graph": "stored"}}),
            "window": lambda q: dict(knn_body(q), rescore={"window_size": 1000,
                                                           "diffusion": {"field": "v", "query_vector": q, "graph": "window"}}),
        }, queries, a.warmup, a.repeat)
        r["stored_added_p50_over_knn_p50"] = (r["stored"]["p50_ms"] - r["knn"]["p50_ms"]) / r["knn"]["p50_ms"]
        r["window_added_p50_over_knn_p50"] = (r["window"]["p50_ms"] - r["knn"]["p50_ms"]) / r["knn"]["p50_ms"]
        result["rescore"] = r
        print(json.dumps(r, indent=1), flush=True)
    if "index" in only:
        print("== index-wide online diffusion vs scipy CG", flush=True)
        if exact_ids is None:
            exact_ids, exact_sims = read_lists(node, "v", len(x))
        retr = lambda q: {"size": 10, "_source": False, "retriever": {"diffusion": {
            "retriever": {"knn": {"field": "v", "query_vector": q, "k": 10, "num_candidates": 100}},
            "field": "v", "query_vector": q, "scope": "index", "rank_window_size": 100}}}
        r = interleaved(node, INDEX, {"knn": knn_body, "scope_index": retr}, queries, a.warmup, a.repeat)
        s = affinity(exact_ids, exact_sims, a.k, 3)
        r["scipy_cg"], r["numpy_knn_plus_scipy_cg"] = scipy_queries(x, s, queries)
        r["scope_index_p50_over_scipy_cg_p50"] = r["scope_index"]["p50_ms"] / r["scipy_cg"]["p50_ms"]
        result["index"] = r
        print(json.dumps(r, indent=1), flush=True)
    if "offline" in only:
        print(f"== offline rows (n_trunc {a.n_trunc}) and offline queries", flush=True)
        marker = node.call("GET", f"/{INDEX}/_mapping")[INDEX]["mappings"].get("_meta", {}).get("retrieval_offline", {})
        if a.keep and marker.get("state") == "done" and marker.get("n_trunc") == a.n_trunc:
            wall = None  # --keep: the rows of an earlier run are reused (their build time is in that run's output)
        else:
            wall, resp = job(node, "POST", f"/{INDEX}/_retrieval/diffusion/_build", {"field": "v", "n_trunc": a.n_trunc})
        # window: the inner kNN's top 1000 re-ranked by f; index: Yang's query, the whole index ranked by f (top 100 resolved)
        window = lambda q: {"size": 10, "_source": False, "retriever": {"diffusion": {
            "retriever": {"knn": {"field": "v", "query_vector": q, "k": 1000, "num_candidates": 1000}},
            "field": "v", "query_vector": q, "offline": True, "rank_window_size": 1000}}}
        index = lambda q: {"size": 10, "_source": False, "retriever": {"diffusion": {
            "retriever": {"knn": {"field": "v", "query_vector": q, "k": 10, "num_candidates": 1000}},
            "field": "v", "query_vector": q, "offline": True, "scope": "index"}}}
        r = interleaved(node, INDEX, {"knn": knn_body, "offline": window, "offline_index": index}, queries, a.warmup, a.repeat)
        r["build_s"] = wall
        r["offline_p50_over_knn_p50"] = r["offline"]["p50_ms"] / r["knn"]["p50_ms"]
        r["offline_index_p50_over_knn_p50"] = r["offline_index"]["p50_ms"] / r["knn"]["p50_ms"]
        result["offline"] = r
        print(json.dumps(r, indent=1), flush=True)
    if "dba" in only:
        print("== DBA (n 20) from the stored graph", flush=True)
        node.call("PUT", f"/{INDEX}/_mapping", {"properties": {"v_dba": {"type": "dense_vector", "dims": a.dims, "index": False}}})
        wall, resp = job(node, "POST", f"/{INDEX}/_retrieval/dba", {"field": "v", "target_field": "v_dba", "n": 20, "graph": True})
        result["dba"] = {"job_s": wall, "response": resp}
        print(json.dumps(result["dba"], indent=1), flush=True)
    write_results(result, a.out, "load_before", "load_after")


if __name__ == "__main__":
    main()
