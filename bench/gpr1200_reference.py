#!/usr/bin/env python3
"""numpy reference for FullRankingEvaluationBenchmark, done the way the field evaluates GPR1200.

Reads the files written by org.instanceretrieval.bench.Gpr1200LikeData (shape.txt, vectors.f32,
labels.i32: raw little-endian float32 / int32), uses every item as a query against all items
(self kept), positives = same label, and computes

    S = X @ X.T                                   (float32, OpenBLAS)
    order = np.argsort(-S, axis=1)                (full sort per query; numpy's default kind)
    AP_q = (1/npos) * sum_j (j + 1) / (r_j + 1)   (non-interpolated, GPR1200), mAP = mean

timed end to end, data loading excluded. By default the sort is numpy's default (quicksort,
not stable), the call the public evaluators make; --kind stable gives the project's ranking
rule (score descending, index ascending), so its mAP equals the Java one up to float rounding
of the scores; with the default kind tied scores may be ordered differently.
Prints one line per run and a final 'numpy best_s=... median_s=... mAP=...' line.
"""
import argparse
import os
import statistics
import time

import numpy as np


def load(data_dir):
    with open(os.path.join(data_dir, "shape.txt")) as f:
        n, dim = (int(t) for t in f.read().split())
    x = np.fromfile(os.path.join(data_dir, "vectors.f32"), dtype="<f4").reshape(n, dim)
    labels = np.fromfile(os.path.join(data_dir, "labels.i32"), dtype="<i4")
    assert labels.shape == (n,)
    return np.ascontiguousarray(x), labels


def evaluate(x, labels, kind):
    s = x @ x.T
    order = np.argsort(-s, axis=1) if kind == "quicksort" else np.argsort(-s, axis=1, kind="stable")
    aps = np.empty(len(labels))
    for q in range(len(labels)):
        relevant = labels[order[q]] == labels[q]
        hits = np.flatnonzero(relevant)  # 0-based ranks of the positives, ascending
        aps[q] = np.mean(np.arange(1, len(hits) + 1) / (hits + 1))
    return aps.mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kind", default="quicksort", choices=["quicksort", "stable"])
    args = parser.parse_args()
    x, labels = load(args.data_dir)
    times = []
    mean_ap = None
    for run in range(args.runs):
        t0 = time.perf_counter()
        mean_ap = evaluate(x, labels, args.kind)
        times.append(time.perf_counter() - t0)
        print(f"run {run}: {times[-1]:.3f} s, mAP={mean_ap:.9f}", flush=True)
    print(f"numpy best_s={min(times):.4f} median_s={statistics.median(times):.4f} mAP={mean_ap:.9f}")


if __name__ == "__main__":
    main()
