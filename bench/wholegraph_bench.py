#!/usr/bin/env python3
"""Whole-index diffusion on the stored neighbour graph and offline rows per document, on a real node (issue 13, items 3-4).

Against a running node with the plugin (see bench/run-wholegraph-bench.sh):
  1. generates N x DIM clustered unit vectors (numpy, seeded), computes the exact top-K neighbour lists with numpy
     (blocked X @ X.T, argpartition; similarity descending), and indexes every document with its vector and its list in
     the storage contract's form (binary doc values retrieval_graph.v: base64 of the list codec), then the done marker;
  2. times Q queries (after one warm-up that loads the node's graph cache) of
       plain kNN:        knn retriever (the field's HNSW), k 100, num_candidates 200, size 100;
       online index:     diffusion retriever, scope index, inner knn k 10 (query_k 10), k 50, gamma 3, 20 iterations;
       offline build:    POST _retrieval/diffusion/_build (n_trunc = K + 1) once, timed;
       offline query:    diffusion retriever, scope window, rank_window_size 100 over the same plain kNN, offline true;
     each as client wall time (HTTP included) and the response's took, p50 and p90;
  3. scipy reference on the same lists: S built as the plugin defines it (mutual first K, a = max(s, 0)^gamma, D^-1/2 A D^-1/2),
     per query y from numpy's exact top 10, scipy.sparse.linalg.cg (rtol 1e-6, 20 iterations): CG-only p50 and y + CG p50,
     in a child process with one BLAS thread (as the plugin's one solver thread per query).

Usage: python3 bench/wholegraph_bench.py [--url http://127.0.0.1:9250] [--n 20000] [--dim 128] [--k 50] [--queries 50]
"""
import argparse
import json
import time
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffusion_reference import affinity  # noqa: E402
from es_client import Node, bulk, create_index, encode_list, mark_graph_done  # noqa: E402

INDEX = "wholegraph-bench"


def vectors(n, dim, seed=42, clusters=200):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    x = centres[rng.integers(0, clusters, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.integers(0, n, 1000)] + 0.3 * rng.standard_normal((1000, dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return x.astype(np.float32), q.astype(np.float32)


def knn_lists(x, k, block=2000):
    n = x.shape[0]
    idx = np.empty((n, k), dtype=np.int64)
    sims = np.empty((n, k), dtype=np.float32)
    for s in range(0, n, block):
        b = x[s:s + block] @ x.T
        b[np.arange(b.shape[0]), np.arange(s, s + b.shape[0])] = -np.inf
        part = np.argpartition(-b, k, axis=1)[:, :k]
        ps = np.take_along_axis(b, part, axis=1)
        order = np.argsort(-ps, axis=1, kind="stable")
        idx[s:s + block] = np.take_along_axis(part, order, axis=1)
        sims[s:s + block] = np.take_along_axis(ps, order, axis=1)
    return idx, sims


def pct(ts, p):
    return float(np.percentile(np.array(ts) * 1000, p))


def timed(fn, queries):
    wall, took = [], []
    for q in queries:
        t = time.perf_counter()
        r = fn(q)
        wall.append(time.perf_counter() - t)
        took.append(r.get("took", 0) / 1000)
    return wall, took


def scipy_reference(path):
    """Child process: per query y from numpy's exact top 10 and scipy CG (rtol 1e-6, 20 iterations); prints the times."""
    z = np.load(path)
    xs, qs = z["xs"], z["qs"]
    n = xs.shape[0]
    lap = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, n))
    cg_only, total = [], []
    for q in qs:
        t0 = time.perf_counter()
        sc = xs @ q
        top = np.lexsort((np.arange(n), -sc))[:10]
        y = np.zeros(n)
        y[top] = np.maximum(sc[top].astype(np.float64), 0) ** 3
        t1 = time.perf_counter()
        try:
            spla.cg(lap, y, rtol=1e-6, atol=0.0, maxiter=20)
        except TypeError:
            spla.cg(lap, y, tol=1e-6, atol=0.0, maxiter=20)
        t2 = time.perf_counter()
        cg_only.append(t2 - t1)
        total.append(t2 - t0)
    print(json.dumps([cg_only, total]))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--scipy":
        scipy_reference(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:9250")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--skip-index", action="store_true", help="reuse an index of an earlier run")
    a = ap.parse_args()
    node = Node(a.url)
    x, qs = vectors(a.n, a.dim)
    qs = qs[: a.queries]
    t = time.perf_counter()
    idx, sims = knn_lists(x, a.k)
    print(f"numpy exact k-NN lists {a.n} x {a.dim}, k {a.k}: {time.perf_counter() - t:.1f} s")
    ids = [f"d{i}" for i in range(a.n)]
    if not a.skip_index:
        create_index(node, INDEX, {"v": {"type": "dense_vector", "dims": a.dim, "similarity": "dot_product"},
                                   "retrieval_graph": {"properties": {"v": {"type": "binary", "doc_values": True}}}})
        t = time.perf_counter()
        bulk(node, INDEX, a.n, lambda i: (json.dumps({"index": {"_index": INDEX, "_id": ids[i]}}),
                                          json.dumps({"v": [round(float(v), 6) for v in x[i]],
                                                      "retrieval_graph.v": encode_list([ids[j] for j in idx[i]], sims[i])})),
             in_flight=1)
        node.call("POST", f"/{INDEX}/_refresh")
        node.call("POST", f"/{INDEX}/_forcemerge?max_num_segments=1")
        mark_graph_done(node, INDEX, "v", a.k, a.n, f"bench:{int(time.time())}")
        print(f"indexed {a.n} documents with vectors and lists: {time.perf_counter() - t:.1f} s")
        # the indexed floats, as the node holds them (rounded to 6 decimals in the JSON)
    xs = np.round(x.astype(np.float64), 6).astype(np.float32)

    def knn(q, k=100, size=100):
        return {"knn": {"field": "v", "query_vector": [float(v) for v in q], "k": k, "num_candidates": 2 * k}}

    def search(body):
        return node.call("POST", f"/{INDEX}/_search", body)

    plain = lambda q: search({"size": 100, "_source": False, "retriever": knn(q)})
    online = lambda q: search({"size": 100, "_source": False, "retriever": {"diffusion": {
        "retriever": knn(q, 10, 10), "field": "v", "scope": "index", "rank_window_size": 100, "k": a.k, "gamma": 3, "alpha": 0.99,
        "query_k": 10, "offline": "false"}}})
    offline = lambda q: search({"size": 100, "_source": False, "retriever": {"diffusion": {
        "retriever": knn(q), "field": "v", "rank_window_size": 100, "k": a.k, "gamma": 3, "alpha": 0.99, "query_k": 10,
        "offline": "true"}}})

    for q in qs[:5]:
        plain(q)
    t = time.perf_counter()
    online(qs[0])
    print(f"first scope-index query (loads the graph cache, builds S): {time.perf_counter() - t:.2f} s")
    rows = {}
    for name, fn in (("plain kNN (HNSW, k 100)", plain), ("online scope index", online)):
        wall, took = timed(fn, qs)
        rows[name] = (pct(wall, 50), pct(wall, 90), pct(took, 50))
    t = time.perf_counter()
    built = node.call("POST", f"/{INDEX}/_retrieval/diffusion/_build", {"field": "v", "k": a.k, "gamma": 3, "alpha": 0.99,
                                                                       "n_trunc": a.k + 1})
    print(f"offline rows build (n_trunc {a.k + 1}): {time.perf_counter() - t:.1f} s, {built.get('stored_entries')} entries")
    for q in qs[:5]:
        offline(q)
    wall, took = timed(offline, qs)
    rows["offline rows query (window 100)"] = (pct(wall, 50), pct(wall, 90), pct(took, 50))
    wall, took = timed(plain, qs)
    rows["plain kNN again"] = (pct(wall, 50), pct(wall, 90), pct(took, 50))

    s = affinity(idx, sims, a.k, 3.0)
    lap = (sp.eye(a.n, format="csr") - 0.99 * s).tocsr()
    # scipy in a child process with one BLAS thread (the plugin solves one query on one thread; a multi-threaded BLAS on a
    # loaded 2-core machine is several times slower for CG's small vector operations)
    path = os.path.join(tempfile.gettempdir(), f"wholegraph-bench-{os.getpid()}.npz")
    np.savez(path, data=lap.data, indices=lap.indices, indptr=lap.indptr, xs=xs, qs=qs)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--scipy", path], env=env, check=True, capture_output=True, text=True)
    os.remove(path)
    cg_only, total = json.loads(out.stdout)
    print(f"\n{a.n} x {a.dim}, k {a.k}, {len(qs)} queries (ms)")
    print(f"{'what':40s} {'p50 wall':>9s} {'p90 wall':>9s} {'p50 took':>9s}")
    for name, (p50, p90, tk) in rows.items():
        print(f"{name:40s} {p50:9.1f} {p90:9.1f} {tk:9.1f}")
    print(f"{'scipy CG only (same S)':40s} {pct(cg_only, 50):9.1f} {pct(cg_only, 90):9.1f}")
    print(f"{'numpy exact top 10 + scipy CG':40s} {pct(total, 50):9.1f} {pct(total, 90):9.1f}")
    print(f"S: {s.nnz} stored entries (mutual edges, both directions)")


if __name__ == "__main__":
    main()
