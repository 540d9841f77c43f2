#!/usr/bin/env python3
"""The DBA job on a stored neighbour graph against the exact DBA job, on a real node (issue 13, item 5).

    bench/dba_graph_bench.py --url http://127.0.0.1:9280 [--docs 100000] [--dims 128] [--k 50] [--n 20]
                             [--shards 1] [--exact-docs 20000] [--check 500] [--reuse] [--write-baseline]

Seeded clustered unit vectors (bench_data.clustered), index `bench-dba-graph` (dense_vector dot_product, HNSW defaults,
`--shards` shards). The neighbour graph is computed here with numpy + OpenBLAS (knn_graph_reference.blocked, top k by dot
product, self excluded) and indexed with the documents as the storage contract says (binary doc values
`retrieval_graph.v` = NeighbourListCodec, base64; `_meta.retrieval_graph` marker `done`), so the graph build job is not needed.
Then, timed as a task: `POST bench-dba-graph/_retrieval/dba {"field": "v", "target_field": "v_dba", "n": 20, "graph": true}`,
and `--check` documents' `v_dba` compared with alpha-DBA (alpha 0) computed here in float64 from the same lists.
With `--exact-docs M` (0: skip) the same job without `graph` (exact, O(N^2 d) on one thread) runs on a second index of the
first M vectors, next to the graph job on that index. Prints and writes (--out) a JSON block.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_data import clustered  # noqa: E402
from es_client import Node, bulk, create_index, decode_list, encode_list, force_merge, job, mark_graph_done  # noqa: E402
from knn_graph_reference import blocked  # noqa: E402


def load(node, index, x, nbr, sims, shards, batch=1000):
    """Creates the index and bulk-loads x with each document's list; one segment at the end."""
    dims = x.shape[1]
    create_index(node, index, {"v": {"type": "dense_vector", "dims": dims, "similarity": "dot_product"},
                               "v_dba": {"type": "dense_vector", "dims": dims, "index": False},
                               "v_exact": {"type": "dense_vector", "dims": dims, "index": False},
                               "retrieval_graph": {"properties": {"v": {"type": "binary", "doc_values": True}}}}, shards)
    t0 = time.perf_counter()
    bulk(node, index, len(x), lambda i: ('{"index":{"_id":"%d"}}' % i,
                                         json.dumps({"v": x[i].tolist(), "retrieval_graph": {"v": encode_list(nbr[i], sims[i])}})),
         batch)
    node.call("POST", f"/{index}/_refresh")
    force_merge(node, index)
    mark_graph_done(node, index, "v", nbr.shape[1], len(x), "numpy:1")
    print(f"  loaded {len(x)} x {dims} with lists of {nbr.shape[1]} into {index} ({shards} shards): "
          f"{time.perf_counter() - t0:.0f} s", flush=True)


def graph(x, k):
    t0 = time.perf_counter()
    nbr = blocked(x, k, 4096)
    sims = np.einsum("ij,ikj->ik", x, x[nbr])
    # the contract's order with these very similarities: descending, then _id ascending as strings
    str_rank = np.empty(len(x), dtype=np.int64)
    str_rank[sorted(range(len(x)), key=str)] = np.arange(len(x))
    order = np.lexsort((str_rank[nbr], -sims), axis=1)
    nbr, sims = np.take_along_axis(nbr, order, axis=1), np.take_along_axis(sims, order, axis=1)
    print(f"  numpy graph {x.shape[0]} x {x.shape[1]}, k {k}: {time.perf_counter() - t0:.1f} s", flush=True)
    return nbr, sims


def expected_dba(x, lists, n):
    """alpha-DBA, alpha 0: L2(x_i + sum of its first n - 1 listed neighbours), float64; lists: row -> neighbour rows."""
    out = {}
    for i, nbr in lists.items():
        s = x[i].astype(np.float64) + x[np.asarray(nbr[:n - 1])].astype(np.float64).sum(axis=0)
        out[i] = s / np.linalg.norm(s)
    return out


def stored_lists(node, index, rows):
    """The lists of rows as stored in the index (decoded from the codec's base64)."""
    r = node.call("POST", f"/{index}/_search", {"size": len(rows), "_source": ["retrieval_graph.v"],
                                                "query": {"ids": {"values": [str(i) for i in rows]}}})
    return {int(h["_id"]): [int(i) for i in decode_list(h["_source"]["retrieval_graph"]["v"])[0]] for h in r["hits"]["hits"]}


def read_back(node, index, field, rows):
    r = node.call("POST", f"/{index}/_search", {"size": len(rows), "_source": [field],
                                                "query": {"ids": {"values": [str(i) for i in rows]}}})
    return {int(h["_id"]): np.array(h["_source"][field], dtype=np.float64) for h in r["hits"]["hits"]}


def write_baseline(node, index, n_docs, dims, batch=500):
    """The floor of any job writing one vector per document: the same partial updates of a vector field, sent by a client
    (2 bulks in flight), no reading or computing."""
    node.call("PUT", f"/{index}/_mapping", {"properties": {"v_write": {"type": "dense_vector", "dims": dims, "index": False}}})
    rng = np.random.default_rng(3)
    t0 = time.perf_counter()
    bulk(node, index, n_docs, lambda i: ('{"update":{"_id":"%d"}}' % i,
                                         '{"doc":{"v_write":' + json.dumps(rng.standard_normal(dims).round(6).tolist()) + '}}'),
         batch)
    node.call("POST", f"/{index}/_refresh")
    return round(time.perf_counter() - t0, 2)


def run(node, index, x, nbr, sims, n, shards, check, exact, reuse=False, baseline=False):
    if not reuse:
        load(node, index, x, nbr, sims, shards)
    result = {"docs": len(x), "dims": x.shape[1], "n": n, "shards": shards}
    wall, resp = job(node, "POST", f"/{index}/_retrieval/dba", {"field": "v", "target_field": "v_dba", "n": n, "graph": True})
    result["graph_job_s"] = round(wall, 2)
    result["graph_response"] = resp
    print(f"  DBA graph=true: {wall:.1f} s", flush=True)
    rows = np.random.default_rng(7).choice(len(x), min(check, len(x)), replace=False).tolist()
    want = expected_dba(x, stored_lists(node, index, rows), n)
    got = read_back(node, index, "v_dba", rows)
    result["graph_max_abs_diff_vs_numpy"] = float(max(np.abs(got[i] - want[i]).max() for i in rows))
    if exact:
        wall, _ = job(node, "POST", f"/{index}/_retrieval/dba", {"field": "v", "target_field": "v_exact", "n": n})
        result["exact_job_s"] = round(wall, 2)
        print(f"  DBA exact: {wall:.1f} s", flush=True)
        ex = read_back(node, index, "v_exact", rows)
        result["graph_max_abs_diff_vs_exact"] = float(max(np.abs(got[i] - ex[i]).max() for i in rows))
    if baseline:
        result["write_baseline_s"] = write_baseline(node, index, len(x), x.shape[1])
        print(f"  client bulk updates of {len(x)} vectors: {result['write_baseline_s']} s", flush=True)
    print(json.dumps(result, indent=1), flush=True)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--exact-docs", type=int, default=20000)
    ap.add_argument("--check", type=int, default=500)
    ap.add_argument("--reuse", action="store_true", help="the full index is already loaded: run the jobs only")
    ap.add_argument("--write-baseline", action="store_true", help="also time client bulk updates of one vector per document")
    ap.add_argument("--out")
    a = ap.parse_args()
    node = Node(a.url)
    x = clustered(a.docs, a.dims, seed=13)
    results = {}
    if a.exact_docs and not a.reuse:
        xs = x[:a.exact_docs]
        nbr, sims = graph(xs, a.k)
        results["small"] = run(node, "bench-dba-graph-small", xs, nbr, sims, a.n, a.shards, a.check, True)
        node.call("DELETE", "/bench-dba-graph-small")
    nbr, sims = (None, None) if a.reuse else graph(x, a.k)
    results["full"] = run(node, "bench-dba-graph", x, nbr, sims, a.n, a.shards, a.check, False, a.reuse, a.write_baseline)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
