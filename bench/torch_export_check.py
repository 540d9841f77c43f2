"""Checks scripts/export-torch.py end to end: the descriptor a real node computes through _bulk with the
image_descriptor processor equals PyTorch's for the same JPEG, to 1e-4 (run by bench/run-torch-export-check.sh
with Debian's /usr/bin/python3, which has python3-torch, python3-torchvision and python3-pil).

Two exports of one randomly initialised ResNet-50 (seed 0):
  A. feature_map: the trunk; the plugin resizes (longest side 512), describes scales [1, 0.7071], pools GeM
     p=3, L2, combines the scales by cirtorch's power mean and L2.
  B. vector: trunk + GeM + L2 + a random cirtorch whitening Lw {m, P} (P 256 x 2048) folded in + L2; scale [1].
The PyTorch side runs the eager torchvision modules (not the ONNX file) on the JPEG decoded by PIL and resized
with torch's interpolate(bilinear, align_corners=False, antialias=False) at the sizes the plugin's recipe gives
(ResizePolicy: round(side * min(1, 512 / longest)); scale s: floor(side * s)), GeM and multi-scale written out
here from cirtorch's formulas.
"""
import argparse
import base64
import importlib.util
import json
import math
import os
import sys
import urllib.error
import urllib.request

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("export_torch", os.path.join(HERE, "..", "scripts", "export-torch.py"))
export_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export_torch)

MEAN = torch.tensor(export_torch.IMAGENET_MEAN).view(1, 3, 1, 1)
STD = torch.tensor(export_torch.IMAGENET_STD).view(1, 3, 1, 1)


def call(url, method, path, body=None, ndjson=False):
    data = None
    if body is not None:
        data = body.encode() if ndjson else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/x-ndjson" if ndjson else "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode()[:2000]}")


def delete(url, path):
    """DELETE that tolerates 404 (a rerun against a kept node starts clean)."""
    try:
        urllib.request.urlopen(urllib.request.Request(url + path, method="DELETE")).close()
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise


def resized(pixels, w, h):
    """[1, 3, H, W] floats in 0..255 resized as the plugin's BilinearResize (no-op at the same size)."""
    if pixels.shape[2] == h and pixels.shape[3] == w:
        return pixels
    return F.interpolate(pixels, size=(h, w), mode="bilinear", align_corners=False)


def normalised(pixels):
    return (pixels / 255.0 - MEAN) / STD


def gem(fmap, p=3.0, eps=1e-6):
    return fmap.clamp(min=eps).pow(p).mean(dim=(2, 3)).pow(1.0 / p)


def l2(v):
    return v / v.norm(dim=1, keepdim=True)


def torch_descriptors(jpeg_path, seed, lw, flip=False):
    img = np.asarray(Image.open(jpeg_path).convert("RGB"), dtype=np.float32)
    if flip:
        img = np.ascontiguousarray(img[:, ::-1])
    pixels = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).contiguous()
    H, W = pixels.shape[2], pixels.shape[3]
    s = min(1.0, 512 / max(W, H))
    bw, bh = max(1, round(W * s)), max(1, round(H * s))
    base = resized(pixels, bw, bh)
    torch.manual_seed(seed)
    _, features, _ = export_torch.trunk("resnet50")
    features.eval()
    with torch.no_grad():
        # A: per scale GeM + L2, power mean with q = p = 3, L2
        acc = 0
        for scale in (1.0, 0.7071):
            x = base if scale == 1.0 else resized(base, max(1, math.floor(bw * scale)), max(1, math.floor(bh * scale)))
            acc = acc + l2(gem(features(normalised(x)))).pow(3)
        a = l2((acc / 2).pow(1 / 3))
        # B: GeM, cirtorch L2 (+1e-6), whitening P (x - m), L2
        v = gem(features(normalised(base)))
        v = v / (v.norm(dim=1, keepdim=True) + 1e-6)
        m, P = lw
        w = (torch.from_numpy(P).float() @ (v[0] - torch.from_numpy(m).float())).unsqueeze(0)
        b = l2(w)
    return a[0].numpy(), b[0].numpy(), (W, H, bw, bh)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:9260")
    ap.add_argument("--jpeg", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(7)
    lw = (rng.normal(0, 0.01, 2048), rng.normal(0, 1, (256, 2048)) / math.sqrt(2048))
    lw_path = os.path.join(args.work, "lw.npz")
    np.savez(lw_path, m=lw[0], P=lw[1])

    for model in ("r50-map", "r50-vec"):
        delete(args.url, f"/_retrieval/model/{model}")
        delete(args.url, f"/check-{model}")
    common = ["--arch", "resnet50", "--seed", str(args.seed), "--size", "longest:512", "--upload", args.url]
    export_torch.main(common + ["--out", os.path.join(args.work, "r50-map.onnx"), "--model-id", "r50-map",
                                "--pooling", "gem", "--scales", "1,0.7071"])
    export_torch.main(common + ["--out", os.path.join(args.work, "r50-vec.onnx"), "--model-id", "r50-vec",
                                "--pooling", "gem", "--output-kind", "vector", "--whitening", lw_path, "--scales", "1"])

    for model, dims in (("r50-map", 2048), ("r50-vec", 256)):
        call(args.url, "PUT", f"/_ingest/pipeline/{model}",
             {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "model_id": model}}
                             ]})
        call(args.url, "PUT", f"/check-{model}", {"mappings": {"_source": {"excludes": ["image"]}, "properties": {
            "image": {"type": "binary"}, "v": {"type": "dense_vector", "dims": dims, "similarity": "dot_product"}}}})
    image = base64.b64encode(open(args.jpeg, "rb").read()).decode()
    lines = []
    for model in ("r50-map", "r50-vec"):
        lines.append(json.dumps({"index": {"_index": f"check-{model}", "_id": "1", "pipeline": model}}))
        lines.append(json.dumps({"image": image}))
    answer = call(args.url, "POST", "/_bulk?refresh=true", "\n".join(lines) + "\n", ndjson=True)
    if answer["errors"]:
        sys.exit(f"_bulk failed: {json.dumps(answer)[:2000]}")
    plugin = {m: np.array(call(args.url, "GET", f"/check-{m}/_doc/1")["_source"]["v"], dtype=np.float64)
              for m in ("r50-map", "r50-vec")}

    a, b, sizes = torch_descriptors(args.jpeg, args.seed, lw)
    ok = True
    print(f"JPEG {args.jpeg}: {sizes[0]}x{sizes[1]}, base image {sizes[2]}x{sizes[3]}")
    for name, ours, ref in (("A feature_map + plugin GeM, scales [1, 0.7071]", plugin["r50-map"], a),
                            ("B vector: GeM + L2 + whitening 2048->256 in the graph", plugin["r50-vec"], b)):
        diff = float(np.abs(ours - ref).max())
        cos = float(ours @ ref / (np.linalg.norm(ours) * np.linalg.norm(ref)))
        good = ours.shape == ref.shape and diff <= 1e-4
        ok &= good
        print(f"{name}: dim {ours.shape[0]}, max |plugin - pytorch| = {diff:.2e}, cosine {cos:.8f} -> {'OK' if good else 'FAIL'}")
    # The comparison has teeth: the same network on the mirrored image differs by far more than the tolerance.
    fa, fb, _ = torch_descriptors(args.jpeg, args.seed, lw, flip=True)
    for name, ref, other in (("A", a, fa), ("B", b, fb)):
        spread = float(np.abs(ref - other).max())
        ok &= spread > 1e-3
        print(f"{name}: max |pytorch(image) - pytorch(mirrored image)| = {spread:.2e} (must be > 1e-3)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
