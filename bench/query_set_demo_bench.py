#!/usr/bin/env python3
"""mAP of the query-set expansion options of the InsCLR seed's table 2 on the demo's data (issue 14, item 1).

    ./demo.sh                     # leaves a node on 127.0.0.1:9200 with the demo's indices and ground truth
    python3 bench/query_set_demo_bench.py [--url http://127.0.0.1:9200]

Each row is one `POST demo-images/_retrieval_eval` (engine search, exact scoring, the demo's query index and depth),
with `retrieval_knn` expansion `query_set` and one option of the seed's table 2 changed; plain kNN and AQE (n 10) for
reference. Pool 1,000 (the whole demo collection at its default size); two iterations as in the seed's table 2 unless
stated. Nothing is tuned on these data. Prints one line per row (revisited easy / medium / hard mAP) and a JSON block.
Uses only the standard library.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from es_client import demo_setup  # noqa: E402

ROWS = [
    ("kNN", None),
    ("AQE (n 10)", {"method": "aqe", "n": 10}),
    ("avg, top_k 5", {"method": "query_set", "aggregation": "avg", "select": "top_k", "k": 5, "iterations": 2}),
    ("avg, top_k 5, sparsity 0.6", {"method": "query_set", "aggregation": "avg", "select": "top_k", "k": 5, "sparsity": 0.6, "iterations": 2}),
    ("avg, threshold 0.6", {"method": "query_set", "aggregation": "avg", "select": "threshold", "threshold": 0.6, "iterations": 2}),
    ("max, top_k 5", {"method": "query_set", "aggregation": "max", "select": "top_k", "k": 5, "iterations": 2}),
    ("max, top_k 5, sparsity 0.6", {"method": "query_set", "aggregation": "max", "select": "top_k", "k": 5, "sparsity": 0.6, "iterations": 2}),
    ("max, threshold 0.6", {"method": "query_set", "aggregation": "max", "select": "threshold", "threshold": 0.6, "iterations": 2}),
    ("avg, top_k 5, 1 iteration", {"method": "query_set", "iterations": 1}),
    ("avg, top_k 5, 4 iterations (the default)", {"method": "query_set"}),
]


def main():
    a, node, docs = demo_setup(("--queries", "demo-queries"), ("--ground-truth", "demo-ground-truth"))
    results = {}
    for name, expansion in ROWS:
        query = {"exact": True}
        if expansion is not None:
            query["expansion"] = dict(expansion, **({"pool": 1000} if expansion["method"] == "query_set" else {}))
        body = {"ground_truth": a.ground_truth, "field": "descriptor", "engine": "search", "query": query, "depth": docs,
                "queries": {"index": a.queries, "field": "descriptor"}}
        r = node.call("POST", f"/{a.index}/_retrieval_eval", body)
        subsets = r.get("subsets", {})
        row = {s: round(100 * subsets[s]["mAP"], 2) for s in ("easy", "medium", "hard") if s in subsets}
        if not row:
            row = {"all": round(100 * r["overall"]["mAP"], 2)}
        results[name] = row
        print(f"{name:45s} " + "  ".join(f"{k} {v:6.2f}" for k, v in row.items()), flush=True)
    print(json.dumps({"docs": docs, "rows": results}, indent=1))


if __name__ == "__main__":
    main()
