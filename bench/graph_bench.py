#!/usr/bin/env python3
"""Issue 13 against a real node, each number side by side with its reference in the same run.

    bench/graph_bench.py --url http://127.0.0.1:9270 [--docs 100000] [--dims 128] [--k 50]
                         [--only build,rescore,index,offline,dba]

One index `bench-graph` (1 shard, `dense_vector` dot_product, HNSW with Elasticsearch's default
options) of seeded clustered unit vectors (table1_bench.clustered). Then:
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
import base64
import json
import os
import struct
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from table1_bench import Node, clustered, interleaved, load, make_queries, summary  # noqa: E402
from knn_graph_reference import blocked  # noqa: E402

INDEX = "bench-graph"


def decode_list(raw):
    """NeighbourListCodec: version u8, varint count, entries (varint id length, id UTF-8, float32 LE)."""
    b = base64.b64decode(raw)
    pos = 1

    def varint():
        nonlocal pos
        value, shift = 0, 0
        while True:
            byte = b[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    ids, sims = [], []
    for _ in range(varint()):
        n = varint()
        ids.append(b[pos:pos + n].decode())
        pos += n
        sims.append(struct.unpack_from("<f", b, pos)[0])
        pos += 4
    return ids, sims


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


def job(node, method, path, body):
    """Runs a job as a task and returns (wall seconds, response)."""
    t0 = time.perf_counter()
    task = node.call(method, f"{path}?wait_for_completion=false", body)["task"]
    while True:
        r = node.call("GET", f"/_tasks/{task}")
        if r.get("completed"):
            if "error" in r:
                raise RuntimeError(f"{path} failed: {json.dumps(r['error'])[:2000]}")
            return time.perf_counter() - t0, r.get("response")
        time.sleep(0.05)


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


def scipy_graph(ids, sims, k, gamma):
    """S of the stored lists as the definitions build it: mutual kNN, a = max(s, 0)^gamma, D^-1/2 A D^-1/2."""
    n = ids.shape[0]
    rows = np.repeat(np.arange(n), k)
    cols = ids[:, :k].ravel()
    ok = cols >= 0
    nn = sp.csr_matrix((np.ones(ok.sum()), (rows[ok], cols[ok])), shape=(n, n))
    w = sp.csr_matrix((np.maximum(sims[:, :k].ravel()[ok].astype(np.float64), 0) ** gamma, (rows[ok], cols[ok])), shape=(n, n))
    a = w.multiply(nn.multiply(nn.T)).tocsr()
    a = a.maximum(a.T)
    a.eliminate_zeros()
    d = np.asarray(a.sum(axis=1)).ravel()
    inv = np.zeros_like(d)
    inv[d > 0] = 1 / np.sqrt(d[d > 0])
    return (sp.diags(inv) @ a @ sp.diags(inv)).tocsr()


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
    result = {"load_before": open("/proc/loadavg").read().strip(), "docs": a.docs, "dims": a.dims, "k": a.k}
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
        s = scipy_graph(exact_ids, exact_sims, a.k, 3)
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
    result["load_after"] = open("/proc/loadavg").read().strip()
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"load average before {result['load_before']}, after {result['load_after']}; results in {a.out}")


if __name__ == "__main__":
    main()
