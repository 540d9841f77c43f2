#!/usr/bin/env python3
"""Table-1 features against a real node: latency of retrieval_knn with AQE against plain kNN,
of the diffusion rescorer (window 1,000) against the same search without rescore, and the DBA
job against a brute-force faiss (or numpy) DBA on the same vectors.

    bench/table1_bench.py --url http://127.0.0.1:9260 [--docs 200000] [--dba-docs 100000] [--dims 512]

Everything runs in this one process against the node that bench/run-table1-bench.sh starts;
the vectors are seeded clustered unit vectors (numpy), written once to --data-dir.
Prints one block per benchmark and writes the numbers as JSON to --out.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_data import clustered, make_queries  # noqa: E402
from es_client import Node, interleaved, load, loadavg, write_results  # noqa: E402


def dba_reference(x, n):
    """alpha-DBA (alpha = 0, item included) by brute force: faiss IndexFlatIP if importable, else numpy blocks."""
    t0 = time.perf_counter()
    try:
        import faiss
        engine = f"faiss {faiss.__version__} IndexFlatIP, {faiss.omp_get_max_threads()} threads"
        index = faiss.IndexFlatIP(x.shape[1])
        index.add(x)
        _, ids = index.search(x, n)
    except ImportError:
        engine = "numpy blocks"
        ids = np.empty((len(x), n), dtype=np.int64)
        for s in range(0, len(x), 2048):
            scores = x[s:s + 2048] @ x.T
            part = np.argpartition(-scores, n, axis=1)[:, :n]
            order = np.argsort(-np.take_along_axis(scores, part, 1), axis=1, kind="stable")
            ids[s:s + 2048] = np.take_along_axis(part, order, 1)
    t1 = time.perf_counter()
    out = np.zeros_like(x)
    for j in range(n):
        out += x[ids[:, j]]
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    t2 = time.perf_counter()
    return out, {"engine": engine, "search_s": t1 - t0, "sum_s": t2 - t1, "total_s": t2 - t0}


def run_dba(node, x, n, data_dir):
    index = "bench-dba"
    # not indexed (no HNSW graph to build on load and on the job's writes): the job reads _source
    field = {"type": "dense_vector", "dims": x.shape[1], "index": False}
    load(node, index, x, {"v": field, "v_dba": field})
    # The job as a task, its phases timed by polling the task status.
    task = node.call("POST", f"/{index}/_retrieval/dba?wait_for_completion=false", {"field": "v", "target_field": "v_dba", "n": n})["task"]
    t0 = time.perf_counter()
    phases, last = {}, None
    while True:
        r = node.call("GET", f"/_tasks/{task}")
        phase = (r.get("task", {}).get("status") or {}).get("phase")
        now = time.perf_counter() - t0
        if phase != last:
            phases[phase] = now
            last = phase
        if r.get("completed"):
            if "error" in r:
                raise RuntimeError(f"DBA job failed: {r['error']}")
            break
        time.sleep(0.05)
    total = time.perf_counter() - t0
    ref, ref_times = dba_reference(x, n)
    # Agreement on a sample of documents.
    rng = np.random.default_rng(3)
    sample = rng.integers(0, len(x), 200)
    worst = 0.0
    for i in sample:
        d = node.call("GET", f"/{index}/_doc/{i}?_source_includes=v_dba")["_source"]["v_dba"]
        worst = max(worst, float(np.max(np.abs(np.asarray(d, dtype=np.float32) - ref[i]))))
    marks = sorted((t, p) for p, t in phases.items() if p)
    spans = {}
    for k, (t, p) in enumerate(marks):
        spans[p] = (marks[k + 1][0] if k + 1 < len(marks) else total) - t
    return {"docs": len(x), "dims": x.shape[1], "n": n, "job_total_s": total, "job_phases_s": spans,
            "reference": ref_times, "max_abs_diff_200_docs": worst}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:9260")
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--dba-docs", type=int, default=100_000)
    ap.add_argument("--dims", type=int, default=512)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=400)
    ap.add_argument("--only", default="knn,rescore,dba")
    ap.add_argument("--out", default="bench-table1.json")
    args = ap.parse_args()
    node = Node(args.url)
    only = set(args.only.split(","))
    result = {"uptime_before": loadavg()}

    if only & {"knn", "rescore"}:
        x = clustered(args.docs, args.dims, seed=1)
        print(f"== index bench-knn: {args.docs} x {args.dims} (default dense_vector index options)", flush=True)
        load(node, "bench-knn", x, {"v": {"type": "dense_vector", "dims": args.dims, "similarity": "dot_product"}})
        queries = make_queries(x, args.queries, seed=2)
        del x
        if "knn" in only:
            print("== a. plain knn vs retrieval_knn with AQE (k 10, num_candidates 100, n 10)", flush=True)
            r = interleaved(node, "bench-knn", {
                "knn": lambda q: {"size": 10, "_source": False,
                                  "knn": {"field": "v", "query_vector": q, "k": 10, "num_candidates": 100}},
                "retrieval_knn_aqe": lambda q: {"size": 10, "_source": False, "query": {"retrieval_knn": {
                    "field": "v", "query_vector": q, "k": 10, "num_candidates": 100, "expansion": {"method": "aqe", "n": 10}}}},
            }, queries, args.warmup, args.repeat)
            r["ratio_p50"] = r["retrieval_knn_aqe"]["p50_ms"] / r["knn"]["p50_ms"]
            r["ratio_p99"] = r["retrieval_knn_aqe"]["p99_ms"] / r["knn"]["p99_ms"]
            result["aqe"] = r
            print(json.dumps(r, indent=1), flush=True)
        if "rescore" in only:
            print("== b. retrieval_knn (k 1000) with and without the diffusion rescorer (window 1000)", flush=True)
            base = lambda q: {"size": 10, "_source": False, "query": {"retrieval_knn": {
                "field": "v", "query_vector": q, "k": 1000, "num_candidates": 1000}}}
            r = interleaved(node, "bench-knn", {
                "no_rescore": base,
                "diffusion_1000": lambda q: dict(base(q), rescore={"window_size": 1000, "diffusion": {"field": "v", "query_vector": q}}),
            }, queries, args.warmup, max(100, args.repeat // 2))
            r["added_p50_ms"] = r["diffusion_1000"]["p50_ms"] - r["no_rescore"]["p50_ms"]
            r["added_p99_ms"] = r["diffusion_1000"]["p99_ms"] - r["no_rescore"]["p99_ms"]
            result["diffusion"] = r
            print(json.dumps(r, indent=1), flush=True)
        node.call("DELETE", "/bench-knn")

    if "dba" in only:
        print(f"== c. DBA job on {args.dba_docs} x {args.dims} (n 20) vs brute force", flush=True)
        x = clustered(args.dba_docs, args.dims, seed=4)
        r = run_dba(node, x, 20, None)
        r["ratio_job_over_reference"] = r["job_total_s"] / r["reference"]["total_s"]
        result["dba"] = r
        print(json.dumps(r, indent=1), flush=True)
        node.call("DELETE", "/bench-dba")

    write_results(result, args.out)


if __name__ == "__main__":
    main()
