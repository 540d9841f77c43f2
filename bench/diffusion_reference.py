#!/usr/bin/env python3
"""Reference timings for diffusion (Iscen et al. CVPR 2017) with numpy/scipy.

Runs the same computation as org.instanceretrieval.bench.DiffusionBenchmark on the same data:
  * graph build: brute-force k-NN by inner product (self excluded; ties: score descending,
    index ascending), a_ij = max(s_ij, 0)^gamma kept only for mutual neighbours,
    S = D^-1/2 A D^-1/2 (isolated nodes -> zero rows);
  * one query: y = max(s, 0)^gamma on the kq nearest items, scipy.sparse.linalg.cg on
    (I - alpha S) f = y from 0, rtol 1e-6, at most 20 iterations.

Input: the raw little-endian float32 file the Java benchmark's setup writes,
lucene-ext/target/diffusion-bench-<n>x<dim>.f32: n database rows followed by one query row,
each of <dim> floats (clustered Gaussian vectors, seeded java.util.Random; see the benchmark's
class comment). Generate it with the benchmark (any run, e.g. the smoke run) first.

Usage: python3 bench/diffusion_reference.py [--file F] [--n 5000] [--dim 512] [--k 50]
                                            [--kq 10] [--gamma 3] [--alpha 0.99] [--repeat 5]
Prints the best build and query times in ms, the CG iterations and the top-10 ids
(comparable with the line the Java benchmark prints at setup).
"""
import argparse
import os
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def knn(db, k):
    """k nearest other rows of every row (ids, scores): score descending, then index ascending."""
    n = db.shape[0]
    sims = db @ db.T
    np.fill_diagonal(sims, -np.inf)
    k = min(k, n - 1)
    part = np.argpartition(-sims, k, axis=1)[:, : k + 1]  # k+1 keeps a boundary tie visible
    ps = np.take_along_axis(sims, part, axis=1)
    order = np.lexsort((part, -ps), axis=1)[:, :k]
    idx = np.take_along_axis(part, order, axis=1)
    return idx, np.take_along_axis(sims, idx, axis=1)


def affinity(ids, sims, k, gamma):
    """S of neighbour lists (ids, sims: (n, >= k), id -1 for none) as the plugin defines it: the first k of each list,
    a_ij = max(s_ij, 0)^gamma kept only for mutual neighbours, symmetric, S = D^-1/2 A D^-1/2 (isolated nodes -> zero rows)."""
    n = ids.shape[0]
    rows = np.repeat(np.arange(n), k)
    cols = ids[:, :k].ravel()
    ok = cols >= 0
    nn = sp.csr_matrix((np.ones(ok.sum()), (rows[ok], cols[ok])), shape=(n, n))
    w = sp.csr_matrix((np.maximum(sims[:, :k].ravel()[ok].astype(np.float64), 0) ** gamma, (rows[ok], cols[ok])), shape=(n, n))
    a = w.multiply(nn.multiply(nn.T)).tocsr()  # mutual: 1 where i in N(j) and j in N(i)
    a = a.maximum(a.T)  # symmetric (scores agree up to float rounding)
    a.eliminate_zeros()
    d = np.asarray(a.sum(axis=1)).ravel()
    inv = np.zeros_like(d)
    inv[d > 0] = 1 / np.sqrt(d[d > 0])
    return (sp.diags(inv) @ a @ sp.diags(inv)).tocsr()


def build_graph(db, k, gamma):
    idx, scores = knn(db, k)
    return affinity(idx, scores, idx.shape[1], gamma)


def query(db, s, q, kq, gamma, alpha, tol, maxiter):
    n = db.shape[0]
    sims = db @ q
    top = np.lexsort((np.arange(n), -sims))[:kq]
    y = np.zeros(n)
    y[top] = np.maximum(sims[top].astype(np.float64), 0) ** gamma
    lap = sp.eye(n, format="csr") - alpha * s
    iterations = [0]

    def count(_):
        iterations[0] += 1

    try:
        f, info = spla.cg(lap, y, rtol=tol, atol=0.0, maxiter=maxiter, callback=count)
    except TypeError:  # scipy < 1.12 names it tol
        f, info = spla.cg(lap, y, tol=tol, atol=0.0, maxiter=maxiter, callback=count)
    return f, info, iterations[0]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--dim", type=int, default=512)
    p.add_argument("--file", default=None)
    p.add_argument("--k", type=int, default=50)
    p.add_argument("--kq", type=int, default=10)
    p.add_argument("--gamma", type=float, default=3.0)
    p.add_argument("--alpha", type=float, default=0.99)
    p.add_argument("--tol", type=float, default=1e-6)
    p.add_argument("--maxiter", type=int, default=20)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    path = args.file or os.path.join(here, "..", "lucene-ext", "target", f"diffusion-bench-{args.n}x{args.dim}.f32")
    data = np.fromfile(path, dtype="<f4")
    if data.size != (args.n + 1) * args.dim:
        raise SystemExit(f"{path}: {data.size} floats, expected ({args.n} + 1) x {args.dim}")
    data = data.reshape(args.n + 1, args.dim)
    db, q = data[: args.n], data[args.n]

    build_times, s = [], None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        s = build_graph(db, args.k, args.gamma)
        build_times.append(time.perf_counter() - t0)
    query_times, f, info, its = [], None, None, None
    for _ in range(max(args.repeat, 20)):
        t0 = time.perf_counter()
        f, info, its = query(db, s, q, args.kq, args.gamma, args.alpha, args.tol, args.maxiter)
        query_times.append(time.perf_counter() - t0)
    ranking = np.lexsort((np.arange(args.n), -f))
    print(f"graph build: {min(build_times) * 1e3:.1f} ms (best of {len(build_times)}), nnz={s.nnz}")
    print(f"query:       {min(query_times) * 1e3:.3f} ms (best of {len(query_times)}), "
          f"cg info={info} iterations={its}")
    print(f"top10={ranking[:10].tolist()}")


if __name__ == "__main__":
    main()
