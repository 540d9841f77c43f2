"""Checks scripts/export-torch.py end to end: the descriptor a real node computes through _bulk with the
image_descriptor processor equals PyTorch's for the same JPEG, to 1e-4 (run by bench/run-torch-export-check.sh
with Debian's /usr/bin/python3, which has python3-torch, python3-torchvision and python3-pil).

Four exports of randomly initialised torchvision networks (seed 0):
  A. ResNet-50 feature_map: the trunk; the plugin resizes (longest side 512), describes scales [1, 0.7071], pools
     GeM p=3, L2, combines the scales by cirtorch's power mean (q = p) and L2.
  B. ResNet-50 vector: trunk + GeM + L2 + a random cirtorch whitening Lw {m, P} (P 256 x 2048) folded in + L2;
     scale [1].
  C. VGG16 feature_map (cirtorch's trunk: features without the last max-pool), plugin MAC, scales [1, 0.7071]
     combined by the mean (q = 1) and L2.
  D. ResNet-50 feature_map, plugin R-MAC (L = 3, cirtorch's regions plus the global MAC), scale [1].
The PyTorch side runs the eager torchvision modules (not the ONNX file) on the JPEG decoded by PIL and resized
with torch's interpolate(bilinear, align_corners=False, antialias=False) at the sizes the plugin's recipe gives
(ResizePolicy: round(side * min(1, 512 / longest)); scale s: floor(side * s)); GeM, MAC, multi-scale and
cirtorch's rmac (layers/functional.py, ported line by line) are written out here.
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


def mac(fmap):
    return fmap.amax(dim=(2, 3))


def rmac(x, L=3, eps=1e-6):
    """cirtorch.layers.functional.rmac: L2-normalised global MAC plus the L2-normalised MAC of every region."""
    ovr = 0.4
    steps = torch.Tensor([2, 3, 4, 5, 6, 7])
    W, H = x.size(3), x.size(2)
    w = min(W, H)
    b = (max(H, W) - w) / (steps - 1)
    _, idx = torch.min(torch.abs(((w ** 2 - w * b) / w ** 2) - ovr), 0)
    Wd, Hd = 0, 0
    if H < W:
        Wd = idx.item() + 1
    elif H > W:
        Hd = idx.item() + 1
    v = F.max_pool2d(x, (x.size(-2), x.size(-1)))
    v = v / (torch.norm(v, p=2, dim=1, keepdim=True) + eps).expand_as(v)
    for l in range(1, L + 1):
        wl = math.floor(2 * w / (l + 1))
        wl2 = math.floor(wl / 2 - 1)
        b = 0 if l + Wd == 1 else (W - wl) / (l + Wd - 1)
        cenW = torch.floor(wl2 + torch.Tensor(range(l - 1 + Wd + 1)) * b) - wl2
        b = 0 if l + Hd == 1 else (H - wl) / (l + Hd - 1)
        cenH = torch.floor(wl2 + torch.Tensor(range(l - 1 + Hd + 1)) * b) - wl2
        for i_ in cenH.tolist():
            for j_ in cenW.tolist():
                if wl == 0:
                    continue
                R = x[:, :, (int(i_) + torch.Tensor(range(wl)).long()).tolist(), :]
                R = R[:, :, :, (int(j_) + torch.Tensor(range(wl)).long()).tolist()]
                vt = F.max_pool2d(R, (R.size(-2), R.size(-1)))
                vt = vt / (torch.norm(vt, p=2, dim=1, keepdim=True) + eps).expand_as(vt)
                v += vt
    return v.flatten(1)


def l2(v):
    return v / v.norm(dim=1, keepdim=True)


def network(arch, seed):
    torch.manual_seed(seed)
    _, features, _ = export_torch.trunk(arch)
    return features.eval()


def multi_scale(features, base, pool, scales, q):
    """Per scale: pool, L2; then (mean v^q)^(1/q), L2 (the plugin's multi-scale rule)."""
    bw, bh = base.shape[3], base.shape[2]
    acc = 0
    for scale in scales:
        x = base if scale == 1.0 else resized(base, max(1, math.floor(bw * scale)), max(1, math.floor(bh * scale)))
        acc = acc + l2(pool(features(normalised(x)))).pow(q)
    return l2((acc / len(scales)).pow(1 / q))


def torch_descriptors(jpeg_path, r50, vgg, lw, flip=False):
    img = np.asarray(Image.open(jpeg_path).convert("RGB"), dtype=np.float32)
    if flip:
        img = np.ascontiguousarray(img[:, ::-1])
    pixels = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).contiguous()
    H, W = pixels.shape[2], pixels.shape[3]
    s = min(1.0, 512 / max(W, H))
    bw, bh = max(1, round(W * s)), max(1, round(H * s))
    base = resized(pixels, bw, bh)
    out = {}
    with torch.no_grad():
        out["r50-map"] = multi_scale(r50, base, gem, (1.0, 0.7071), 3)
        # B: GeM, cirtorch L2 (+1e-6), whitening P (x - m), L2
        v = gem(r50(normalised(base)))
        v = v / (v.norm(dim=1, keepdim=True) + 1e-6)
        m, P = lw
        out["r50-vec"] = l2((torch.from_numpy(P).float() @ (v[0] - torch.from_numpy(m).float())).unsqueeze(0))
        out["vgg-mac"] = multi_scale(vgg, base, mac, (1.0, 0.7071), 1)
        out["r50-rmac"] = multi_scale(r50, base, rmac, (1.0,), 1)
    return {k: v[0].numpy() for k, v in out.items()}, (W, H, bw, bh)


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

    checks = {  # model id -> (export options, descriptor dims, what the line says)
        "r50-map": (["--arch", "resnet50", "--pooling", "gem", "--scales", "1,0.7071"], 2048,
                    "A ResNet-50 feature_map + plugin GeM, scales [1, 0.7071]"),
        "r50-vec": (["--arch", "resnet50", "--pooling", "gem", "--output-kind", "vector", "--whitening", lw_path, "--scales", "1"],
                    256, "B ResNet-50 vector: GeM + L2 + whitening 2048->256 in the graph"),
        "vgg-mac": (["--arch", "vgg16", "--pooling", "mac", "--scales", "1,0.7071"], 512,
                    "C VGG16 feature_map + plugin MAC, scales [1, 0.7071]"),
        "r50-rmac": (["--arch", "resnet50", "--pooling", "rmac", "--scales", "1"], 2048, "D ResNet-50 feature_map + plugin R-MAC"),
    }
    image = base64.b64encode(open(args.jpeg, "rb").read()).decode()
    lines = []
    for model, (options, dims, _) in checks.items():
        delete(args.url, f"/_retrieval/model/{model}")
        delete(args.url, f"/check-{model}")
        export_torch.main(options + ["--seed", str(args.seed), "--size", "longest:512", "--upload", args.url,
                                     "--out", os.path.join(args.work, f"{model}.onnx"), "--model-id", model])
        call(args.url, "PUT", f"/_ingest/pipeline/{model}",
             {"processors": [{"image_descriptor": {"field": "image", "target_field": "v", "model_id": model}}]})
        call(args.url, "PUT", f"/check-{model}", {"mappings": {"_source": {"excludes": ["image"]}, "properties": {
            "image": {"type": "binary"}, "v": {"type": "dense_vector", "dims": dims, "similarity": "dot_product"}}}})
        lines.append(json.dumps({"index": {"_index": f"check-{model}", "_id": "1", "pipeline": model}}))
        lines.append(json.dumps({"image": image}))
    answer = call(args.url, "POST", "/_bulk?refresh=true", "\n".join(lines) + "\n", ndjson=True)
    if answer["errors"]:
        sys.exit(f"_bulk failed: {json.dumps(answer)[:2000]}")
    plugin = {m: np.array(call(args.url, "GET", f"/check-{m}/_doc/1")["_source"]["v"], dtype=np.float64) for m in checks}

    r50, vgg = network("resnet50", args.seed), network("vgg16", args.seed)
    refs, sizes = torch_descriptors(args.jpeg, r50, vgg, lw)
    ok = True
    print(f"JPEG {args.jpeg}: {sizes[0]}x{sizes[1]}, base image {sizes[2]}x{sizes[3]}")
    for model, (_, _, name) in checks.items():
        ours, ref = plugin[model], refs[model]
        diff = float(np.abs(ours - ref).max()) if ours.shape == ref.shape else float("inf")
        cos = float(ours @ ref / (np.linalg.norm(ours) * np.linalg.norm(ref))) if ours.shape == ref.shape else float("nan")
        good = diff <= 1e-4
        ok &= good
        print(f"{name}: dim {ours.shape[0]}, max |plugin - pytorch| = {diff:.2e}, cosine {cos:.8f} -> {'OK' if good else 'FAIL'}")
    # The comparison has teeth: the same network on the mirrored image differs by far more than the tolerance.
    mirrored, _ = torch_descriptors(args.jpeg, r50, vgg, lw, flip=True)
    for model, (_, _, name) in checks.items():
        spread = float(np.abs(refs[model] - mirrored[model]).max())
        ok &= spread > 1e-3
        print(f"{name.split()[0]}: max |pytorch(image) - pytorch(mirrored image)| = {spread:.2e} (must be > 1e-3)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
