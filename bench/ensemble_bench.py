#!/usr/bin/env python3
"""Model ensembles in the image_descriptor processor (issue 14, part 3) against a real node:
ingest throughput of a 2-member ensemble (one processor, "models": [A, B]) against the same two
recipes run one after the other (two image_descriptor processors in one pipeline), and each alone.

  A: the built-in "default" model, its own recipe (GeM p 3, scales [1, 0.7071, 0.5], longest side 1024)
  B: the built-in "default" model, MAC, scale 1, longest side 256

Images: --images seeded textured RGB PNGs of --width x --height (written here with zlib, no
dependencies), sent base64 in bulk requests of --bulk documents from --clients concurrent
clients, into an index that keeps the vectors in _source only ("dynamic": false). Each
configuration runs --rounds times, interleaved (A, B, A then B, ensemble, A, ...); the table
gives the median images/s.

    bench/ensemble_bench.py --url http://127.0.0.1:9261 [--images 96] [--width 640 --height 480]
"""
import argparse
import base64
import json
import math
import os
import statistics
import struct
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from es_client import Node  # noqa: E402


def png(width, height, seed):
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            r = (x * 255 // width + 37 * seed) & 0xFF
            g = 200 if ((x + 2 * y + seed) // 3) % 2 == 0 else 40
            b = int(127 + 120 * math.sin((x * (1 + seed % 3) + y) / 4.0)) & 0xFF
            rows += bytes((r, g, b))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b"")


A = {"model_id": "default"}
B = {"model_id": "default", "pooling": {"type": "mac"}, "scales": [1], "size": {"longest_side": 256}}
PIPELINES = {
    "A alone": [{"image_descriptor": dict(A, field="image", target_field="a")}],
    "B alone": [{"image_descriptor": dict(B, field="image", target_field="b")}],
    "A then B (two processors)": [{"image_descriptor": dict(A, field="image", target_field="a")},
                                  {"image_descriptor": dict(B, field="image", target_field="b")}],
    "ensemble [A, B] (one processor)": [{"image_descriptor": {"field": "image", "target_field": "v", "models": [A, B]}}],
}


def run(node, pipeline, docs, bulk, clients):
    """Indexes every doc through pipeline; returns images/s."""
    batches = [docs[i:i + bulk] for i in range(0, len(docs), bulk)]
    lock = threading.Lock()
    errors = []

    def worker():
        while True:
            with lock:
                if not batches:
                    return
                batch = batches.pop()
            body = "".join('{"index": {"_index": "ens-bench", "pipeline": "%s"}}\n{"image": "%s"}\n' % (pipeline, d) for d in batch)
            response = node.call("POST", "/_bulk", body)
            if response.get("errors"):
                errors.append(response)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        sys.exit("bulk errors: " + json.dumps(errors[0])[:2000])
    return len(docs) / elapsed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--images", type=int, default=96)
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--bulk", type=int, default=8)
    p.add_argument("--clients", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--out")
    args = p.parse_args()
    node = Node(args.url, timeout=600)
    docs = [base64.b64encode(png(args.width, args.height, s)).decode() for s in range(args.images)]
    node.delete_if_exists("/ens-bench")
    node.call("PUT", "/ens-bench", {"mappings": {"dynamic": False}})
    ids = {}
    for i, (name, processors) in enumerate(PIPELINES.items()):
        ids[name] = "ens-bench-%d" % i
        node.call("PUT", "/_ingest/pipeline/" + ids[name], {"processors": processors})
    # warm-up: load the model, JIT
    for name in PIPELINES:
        run(node, ids[name], docs[:args.bulk * 2], args.bulk, args.clients)
    results = {name: [] for name in PIPELINES}
    for _ in range(args.rounds):
        for name in PIPELINES:
            results[name].append(run(node, ids[name], docs, args.bulk, args.clients))
    print("%d images %dx%d PNG, bulk %d, %d clients, %d rounds (median)" % (args.images, args.width, args.height, args.bulk,
                                                                              args.clients, args.rounds))
    print("| configuration | images/s (median) | rounds |")
    print("|---|---|---|")
    for name, values in results.items():
        print("| %s | %.1f | %s |" % (name, statistics.median(values), ", ".join("%.1f" % v for v in values)))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"args": vars(args), "images_per_second": results}, f, indent=2)


if __name__ == "__main__":
    main()
