"""The one way the bench/ scripts talk to a node (standard library only, so the stdlib-only scripts import it too).

  Node(url).call(method, path, body)   JSON in and out over one kept-alive HTTP connection per thread; a status >= 300
                                       raises NodeError (method, path, status and the start of the answer)
  create_index / bulk / force_merge / load / mark_graph_done
                                       index creation and loading as the benchmarks do it (1 shard, no replica,
                                       refresh off while loading, two bulk requests in flight, one segment at the end)
  job                                  a long job run as a task, polled to completion
  interleaved / timed_rounds / pct / summary
                                       client-side search latencies and their nearest-rank percentiles
  encode_list / decode_list            the storage contract's neighbour list codec (NeighbourListCodec, base64)
  loadavg / write_results              the load average around a run and the JSON results file
  latency_args / run_parts             the options and the main of a benchmark in parts (--only) against one node
  demo_setup                           the options and the node of a benchmark on the demo's data (./demo.sh)
"""
import argparse
import base64
import concurrent.futures
import http.client
import json
import statistics
import struct
import threading
import time
import urllib.parse


class NodeError(RuntimeError):
    """A response with status >= 300; status is the HTTP status."""

    def __init__(self, method, path, status, payload):
        super().__init__(f"{method} {path} -> {status}: {payload[:2000]!r}")
        self.status = status


class Node:
    """A node at url (http://host:port). Thread-safe: each thread gets its own kept-alive connection."""

    def __init__(self, url, timeout=3600):
        u = urllib.parse.urlparse(url if "://" in url else "http://" + url)
        self.url = url
        self.host, self.port, self.timeout = u.hostname, u.port, timeout
        self._local = threading.local()

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return conn

    def call(self, method, path, body=None):
        """Sends body (a str or bytes as is, anything else as JSON; ndjson to a _bulk path) and returns the parsed
        answer, None if empty."""
        data = None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body))
        bulk = path.split("?", 1)[0].endswith("_bulk")
        headers = {"Content-Type": "application/x-ndjson" if bulk else "application/json"}
        conn = self._conn()
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        payload = r.read()
        if r.status >= 300:
            raise NodeError(method, path, r.status, payload)
        return json.loads(payload) if payload else None

    def delete_if_exists(self, path):
        """DELETE path; a 404 (nothing there) is not an error."""
        try:
            return self.call("DELETE", path)
        except NodeError as e:
            if e.status != 404:
                raise
            return None


def create_index(node, index, properties, shards=1):
    """Deletes index if it exists and creates it: shards shards, no replica, refresh off, mapping properties."""
    node.delete_if_exists(f"/{index}")
    settings = {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "-1"}
    node.call("PUT", f"/{index}", {"settings": settings, "mappings": {"properties": properties}})


def bulk(node, index, count, lines, batch=1000, in_flight=2):
    """Sends documents 0..count-1 to index/_bulk, batch per request, in_flight requests at once (2: one write thread
    per core of the 2-core machine); lines(i) gives document i's action and source lines. Raises on any item error."""
    def send(start):
        out = []
        for i in range(start, min(count, start + batch)):
            out.extend(lines(i))
        r = node.call("POST", f"/{index}/_bulk", "\n".join(out) + "\n")
        if r["errors"]:
            raise RuntimeError(f"bulk errors in {index}: {json.dumps(r)[:2000]}")

    with concurrent.futures.ThreadPoolExecutor(in_flight) as pool:
        list(pool.map(send, range(0, count, batch)))


def force_merge(node, index):
    """One segment, then refresh back on (1 s) and a refresh."""
    node.call("POST", f"/{index}/_forcemerge?max_num_segments=1")
    node.call("PUT", f"/{index}/_settings", {"index": {"refresh_interval": "1s"}})
    node.call("POST", f"/{index}/_refresh")


def load(node, index, x, mapping_fields, batch=1000):
    """Creates index (1 shard, no replica) and bulk-loads the rows of x into field v; one segment at the end."""
    create_index(node, index, mapping_fields)
    t0 = time.perf_counter()
    bulk(node, index, len(x), lambda i: ('{"index":{"_id":"%d"}}' % i, '{"v":' + json.dumps(x[i].tolist()) + '}'), batch)
    node.call("POST", f"/{index}/_refresh")
    t1 = time.perf_counter()
    force_merge(node, index)
    print(f"  loaded {len(x)} x {x.shape[1]} into {index}: {t1 - t0:.0f} s indexing, {time.perf_counter() - t1:.0f} s force merge",
          flush=True)


def mark_graph_done(node, index, field, k, doc_count, task):
    """The done marker the graph build job writes (_meta.retrieval_graph), for lists indexed by the client."""
    node.call("PUT", f"/{index}/_mapping", {"_meta": {"retrieval_graph": {
        "field": field, "k": k, "method": "exact", "state": "done", "task": task, "started_at": 1, "completed_at": 2,
        "doc_count": doc_count}}})


def job(node, method, path, body):
    """Runs a job as a task (wait_for_completion=false, polled every 50 ms); returns (wall seconds, response)."""
    t0 = time.perf_counter()
    task = node.call(method, f"{path}?wait_for_completion=false", body)["task"]
    while True:
        r = node.call("GET", f"/_tasks/{task}")
        if r.get("completed"):
            if "error" in r:
                raise RuntimeError(f"{path} failed: {json.dumps(r['error'])[:2000]}")
            return time.perf_counter() - t0, r.get("response")
        time.sleep(0.05)


def timed_rounds(node, index, warm, timed):
    """Sends every body of warm (name -> bodies, untimed, one name after the other), then the bodies of timed (name ->
    equally long lists) round-robin: the i-th body of each name in turn, so that load changes hit all names alike.
    Returns (name -> client milliseconds, name -> the answers' took)."""
    for bodies in warm.values():
        for b in bodies:
            node.call("POST", f"/{index}/_search", b)
    ms = {name: [] for name in timed}
    took = {name: [] for name in timed}
    for i in range(len(next(iter(timed.values()), []))):
        for name, bodies in timed.items():
            t = time.perf_counter()
            r = node.call("POST", f"/{index}/_search", bodies[i])
            ms[name].append((time.perf_counter() - t) * 1000)
            took[name].append(r["took"])
    return ms, took


def pct(values, p):
    """Nearest-rank percentile p of values."""
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def summary(name, ms):
    return {"name": name, "p50_ms": pct(ms, 50), "p99_ms": pct(ms, 99), "mean_ms": statistics.fmean(ms), "n": len(ms)}


def interleaved(node, index, configs, queries, warmup, repeat):
    """Runs the configurations (name -> query -> body) round-robin per query so that load changes hit all of them alike:
    the first warmup bodies of each untimed, then repeat rounds over the queries; name -> summary."""
    bodies = {name: [make(q) for q in queries] for name, make in configs.items()}
    warm = {name: b[:warmup] for name, b in bodies.items()}
    ms, _ = timed_rounds(node, index, warm, {name: [b[i % len(queries)] for i in range(repeat)] for name, b in bodies.items()})
    return {name: summary(name, values) for name, values in ms.items()}


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def encode_list(ids, sims):
    """A neighbour list as retrieval_graph.v holds it, base64 (NeighbourListCodec: version 1, varint count, per entry
    varint id length, id UTF-8, float32 little-endian)."""
    out = bytearray(b"\x01") + varint(len(ids))
    for i, s in zip(ids, sims):
        b = str(i).encode()
        out += varint(len(b)) + b + struct.pack("<f", float(s))
    return base64.b64encode(bytes(out)).decode()


def decode_list(raw):
    """NeighbourListCodec: version u8, varint count, entries (varint id length, id UTF-8, float32 LE); (ids, sims)."""
    b = base64.b64decode(raw)
    pos = 1

    def read_varint():
        nonlocal pos
        value, shift = 0, 0
        while True:
            byte = b[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    ids, sims = [], []
    for _ in range(read_varint()):
        n = read_varint()
        ids.append(b[pos:pos + n].decode())
        pos += n
        sims.append(struct.unpack_from("<f", b, pos)[0])
        pos += 4
    return ids, sims


def loadavg():
    return open("/proc/loadavg").read().strip()


def write_results(result, path, before="uptime_before", after="uptime_after"):
    """Adds the load average after the run, writes result as JSON to path and says so with both load averages."""
    result[after] = loadavg()
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
    print(f"load average before {result[before]}, after {result[after]}; results in {path}")


def latency_args(docs=50_000, dims=128, queries=100, warmup=20, repeat=200, classes=200, per_class=50):
    """A parser with the options the latency-and-mAP benchmarks share, in this order: --url, --docs, --dims, --queries,
    --warmup, --repeat, --classes, --per-class (run_parts adds --only and --out after the script's own)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:9260")
    ap.add_argument("--docs", type=int, default=docs)
    ap.add_argument("--dims", type=int, default=dims)
    ap.add_argument("--queries", type=int, default=queries)
    ap.add_argument("--warmup", type=int, default=warmup)
    ap.add_argument("--repeat", type=int, default=repeat)
    ap.add_argument("--classes", type=int, default=classes)
    ap.add_argument("--per-class", type=int, default=per_class)
    return ap


def run_parts(ap, parts, out):
    """Adds --only (default: every part) and --out (default out), parses, runs each chosen part (name -> run(node, args),
    in parts' order) against --url and writes {"args", "uptime_before", part: its result..., "uptime_after"} to --out."""
    ap.add_argument("--only", default=",".join(parts))
    ap.add_argument("--out", default=out)
    args = ap.parse_args()
    node = Node(args.url)
    only = set(args.only.split(","))
    result = {"args": vars(args), "uptime_before": loadavg()}
    for name, run in parts.items():
        if name in only:
            result[name] = run(node, args)
    write_results(result, args.out)


def demo_setup(*options):
    """Parses --url (default the demo's node, http://127.0.0.1:9200), --index (default demo-images) and then each of
    options, (name, default) pairs of string options, in order; returns (args, Node(args.url), the index's doc count)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--index", default="demo-images")
    for name, default in options:
        ap.add_argument(name, default=default)
    args = ap.parse_args()
    node = Node(args.url)
    return args, node, node.call("GET", f"/{args.index}/_count")["count"]
