"""_bulk ingest throughput through the image_descriptor processor (docs/benchmarks.md, "Ingest throughput").

    python3 bench/ingest_throughput.py --url URL --model-id ID --dims D --jpeg-dir DIR --images N \
        [--bulk-size K] [--concurrency C] [--warmup-images W] [--label TEXT]

Creates the pipeline and index bench-ID (dense_vector D, dot_product, indexed), sends one bulk of 2 documents (loads
the model), then W warm-up documents in the shape of the timed part (not timed; the JVM's compilers, ONNX Runtime's
memory arena and the index settle), then N documents (the JPEGs of DIR in turn, base64) as bulks of K documents from C client threads
at once, and prints: bulk LABEL model=ID dims=D bulk_size=K concurrency=C images=N seconds=S images_per_s=R
[cpu_seconds=C images_per_cpu_s=R' with --pid-file: the node's CPU time, all threads] batches={size: count} (the node's _stats batch-size histogram of the timed part).
"""
import argparse
import base64
import glob
import importlib.util
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("export_torch", os.path.join(HERE, "..", "scripts", "export-torch.py"))
export_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export_torch)


def call(url, method, path, body=None, ndjson=False):
    data = None if body is None else (body.encode() if ndjson else json.dumps(body).encode())
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/x-ndjson" if ndjson else "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=3600) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode()[:2000]}")


def cpu_seconds(pid_file):
    """utime + stime of the node's process (all its threads), or None."""
    if not pid_file:
        return None
    fields = open(f"/proc/{open(pid_file).read().strip()}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def batches(url, model):
    nodes = call(url, "GET", f"/_retrieval/model/{model}/_stats")["nodes"]
    return next(iter(nodes.values())).get("batch_sizes", {})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--model-id", required=True)
    ap.add_argument("--dims", type=int, default=0, help="descriptor dimension (0: ask the node with one simulated image)")
    ap.add_argument("--onnx", help="upload this definition first, with --config (export-torch.py --config output)")
    ap.add_argument("--config")
    ap.add_argument("--jpeg-dir", required=True)
    ap.add_argument("--images", type=int, default=32)
    ap.add_argument("--bulk-size", type=int, default=8)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--warmup-images", type=int, default=0)
    ap.add_argument("--label", default="")
    ap.add_argument("--pid-file", help="the node's pid file: also report the node's CPU seconds (/proc/PID/stat)")
    args = ap.parse_args()
    index = f"bench-{args.model_id}"
    images = [base64.b64encode(open(p, "rb").read()).decode() for p in sorted(glob.glob(os.path.join(args.jpeg_dir, "*.jpg")))]
    if args.onnx:
        export_torch.upload(args.url, args.model_id, json.load(open(args.config)), args.onnx)
    if args.dims == 0:
        sim = call(args.url, "POST", "/_ingest/pipeline/_simulate", {
            "pipeline": {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "model_id": args.model_id}}]},
            "docs": [{"_source": {"image": images[0]}}]})
        args.dims = len(sim["docs"][0]["doc"]["_source"]["v"])
    call(args.url, "PUT", f"/_ingest/pipeline/{index}", {"processors": [
        {"image_descriptor": {"field": "image", "target_field": "v", "model_id": args.model_id}}]})
    call(args.url, "DELETE", f"/{index}*?ignore_unavailable=true")
    call(args.url, "PUT", f"/{index}", {"settings": {"number_of_replicas": 0},
                                        "mappings": {"_source": {"excludes": ["image"]}, "properties": {
                                            "image": {"type": "binary"},
                                            "v": {"type": "dense_vector", "dims": args.dims, "similarity": "dot_product"}}}})
    doc_id = [0]
    lock = threading.Lock()

    def bulk(n):
        lines = []
        with lock:
            first = doc_id[0]
            doc_id[0] += n
        for i in range(first, first + n):
            lines.append(json.dumps({"index": {"_index": index, "_id": str(i), "pipeline": index}}))
            lines.append(json.dumps({"image": images[i % len(images)]}))
        answer = call(args.url, "POST", "/_bulk", "\n".join(lines) + "\n", ndjson=True)
        if answer["errors"]:
            sys.exit(f"bulk failed: {json.dumps(answer)[:1500]}")

    def send(n):
        """n documents as bulks of --bulk-size from --concurrency client threads at once"""
        todo = [n]

        def client():
            while True:
                with lock:
                    k = min(args.bulk_size, todo[0])
                    todo[0] -= k
                if k <= 0:
                    return
                bulk(k)

        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    bulk(2)  # loads the model
    send(args.warmup_images)
    before = batches(args.url, args.model_id)
    start, cpu_start = time.perf_counter(), cpu_seconds(args.pid_file)
    send(args.images)
    seconds = time.perf_counter() - start
    cpu = "" if cpu_start is None else f" cpu_seconds={cpu_seconds(args.pid_file) - cpu_start:.2f} " \
        f"images_per_cpu_s={args.images / (cpu_seconds(args.pid_file) - cpu_start):.3f}"
    after = batches(args.url, args.model_id)
    timed = {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) - before.get(k, 0) > 0}
    print(f"bulk {args.label} model={args.model_id} dims={args.dims} bulk_size={args.bulk_size} concurrency={args.concurrency} "
          f"images={args.images} seconds={seconds:.2f} images_per_s={args.images / seconds:.3f}{cpu} batches={json.dumps(timed)}",
          flush=True)


if __name__ == "__main__":
    main()
