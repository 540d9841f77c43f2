#!/usr/bin/env python3
"""mAP of multi-image queries against one image on the demo's data (issue 14, part 2).

    ./demo.sh                     # leaves a node on 127.0.0.1:9200 with the demo's indices and ground truth
    python3 bench/multi_image_demo_bench.py [--url http://127.0.0.1:9200] [--set-sizes 2,3]

From the demo's stored revisited ground truth, for each set size m and each demo query with more than m
relevant (easy or hard) database images: the first m of them (in the ground truth's order, easy first) are
the query images, taken out of the positives and made junk; the positives are the other relevant images,
the junk the query's junk plus the m images (protocol oxford_paris: every relevant image counts). Two
ground truths are stored: "set" (one query per demo query, "images": the m images) and "one" (one query
per image, "images": [that image], the same positives and junk). Each row is one
`POST demo-images/_retrieval_eval` (engine search, exact scoring, full depth, query images read from
demo-images): "one image" is the mean AP over the single images, so that both rows use the same images.
Nothing is tuned. Uses only the standard library; prints one line per row and a JSON block.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from es_client import demo_setup  # noqa: E402


def put_ground_truth(node, gt_id, data):
    node.delete_if_exists(f"/_retrieval/ground_truth/{gt_id}")
    node.call("PUT", f"/_retrieval/ground_truth/{gt_id}", {"format": "json", "data": data})


def main():
    a, node, docs = demo_setup(("--ground-truth", "demo-ground-truth"), ("--set-sizes", "2,3"))
    source = node.call("GET", f"/_retrieval/ground_truth/{a.ground_truth}?include=ground_truth")["ground_truth"]
    database = source.get("database")
    results = {}
    for m in [int(v) for v in a.set_sizes.split(",")]:
        one, sets = [], []
        for q in source["queries"]:
            relevant = list(q.get("easy", [])) + list(q.get("hard", [])) + list(q.get("positive", []))
            if len(relevant) <= m:
                continue
            images, positives = relevant[:m], relevant[m:]
            junk = list(q.get("junk", [])) + images
            sets.append({"name": q["name"], "images": images, "positive": positives, "junk": junk})
            one += [{"name": f"{q['name']}__{i}", "images": [image], "positive": positives, "junk": junk}
                    for i, image in enumerate(images)]
        gts = {"one": one, "set": sets}
        for kind, queries in gts.items():
            data = {"protocol": "oxford_paris", "queries": queries}
            if database is not None:
                data["database"] = database
            put_ground_truth(node, f"multi-image-{kind}-{m}", data)
        rows = [("one image", "one", "avg"), (f"set of {m}, avg", "set", "avg"), (f"set of {m}, max", "set", "max")]
        for row, kind, agg in rows:
            body = {"ground_truth": f"multi-image-{kind}-{m}", "field": "descriptor", "engine": "search", "depth": docs,
                    "query": {"exact": True, "query_aggregation": agg}}
            r = node.call("POST", f"/{a.index}/_retrieval_eval", body)
            results[f"m={m}: {row}"] = {"mAP": round(100 * r["overall"]["mAP"], 2), "queries": len(gts[kind])}
            print(f"m={m}: {row:20s} mAP {100 * r['overall']['mAP']:6.2f}  ({len(gts[kind])} queries)", flush=True)
        for kind in gts:
            node.call("DELETE", f"/_retrieval/ground_truth/multi-image-{kind}-{m}")
    print(json.dumps({"docs": docs, "rows": results}, indent=1))


if __name__ == "__main__":
    main()
