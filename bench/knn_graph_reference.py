#!/usr/bin/env python3
"""numpy + OpenBLAS reference for the exact neighbour-graph build (issue 13).

Reads the vectors BlockedKnnGraphBenchmark wrote (raw little-endian float32, n x dim) and
times the all-vs-all top-k by inner product, self excluded, two ways:
  full    : S = X @ X.T once (n x n float32 in memory), then argpartition per row block;
  blocked : for each block of `--block` rows, S_b = X_b @ X.T, argpartition, sort the k.
Both sort the k kept by (score descending, index ascending), as the Java rule does, and the
time includes that. Then compares the first rows' lists with the Java ones (.check file);
float rounding in the products can reorder near-ties, so mismatching rows are counted, not
fatal.

  python3 bench/knn_graph_reference.py --file lucene-ext/target/knn-bench-20000x128.f32 --dim 128 --k 50
"""
import argparse
import os
import time

import numpy as np


def topk_rows(s, first, k):
    """Top k per row of the score block s (rows first.., self excluded), score desc then index asc."""
    rows = np.arange(s.shape[0])
    s[rows, first + rows] = -np.inf
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    scores = np.take_along_axis(s, part, axis=1)
    order = np.lexsort((part, -scores), axis=1)
    return np.take_along_axis(part, order, axis=1)


def full(x, k, block):
    s = x @ x.T
    out = np.empty((x.shape[0], k), dtype=np.int64)
    for first in range(0, x.shape[0], block):
        out[first:first + block] = topk_rows(s[first:first + block], first, k)
    return out


def blocked(x, k, block):
    out = np.empty((x.shape[0], k), dtype=np.int64)
    for first in range(0, x.shape[0], block):
        out[first:first + block] = topk_rows(x[first:first + block] @ x.T, first, k)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--file", required=True)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--k", type=int, default=50)
    p.add_argument("--block", type=int, default=4096)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--max-full-bytes", type=int, default=4 << 30, help="skip the whole X @ X.T above this size")
    a = p.parse_args()
    x = np.fromfile(a.file, dtype="<f4").reshape(-1, a.dim)
    n = x.shape[0]
    print(f"numpy {np.__version__}, {n} x {a.dim}, k={a.k}, block={a.block}, cpus={os.cpu_count()}")
    result = None
    for name, fn in (("full X @ X.T + argpartition", full), ("blocked X_b @ X.T + argpartition", blocked)):
        if fn is full and n * n * 4 > a.max_full_bytes:
            print(f"{name}: skipped, the {n} x {n} float32 product needs {n * n * 4 / 2**30:.1f} GiB")
            continue
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            result = fn(x, a.k, a.block)
            times.append(time.perf_counter() - t)
        times.sort()
        print(f"{name}: min {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s")
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        for first in range(0, n, a.block):
            x[first:first + a.block] @ x.T
        times.append(time.perf_counter() - t)
    times.sort()
    print(f"blocked X_b @ X.T alone (no top-k): min {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s")
    check = os.path.splitext(a.file)[0] + ".check"
    if os.path.exists(check):
        rows = mismatched = 0
        for line in open(check):
            ids = [int(v) for v in line.split()]
            rows += 1
            if list(result[ids[0]]) != ids[1:]:
                mismatched += 1
        print(f"java lists vs numpy: {rows - mismatched}/{rows} rows identical (float rounding may swap near-ties)")


if __name__ == "__main__":
    main()
