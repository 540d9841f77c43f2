#!/usr/bin/env python3
"""Exports a torchvision ResNet-50/101 or VGG16 retrieval network to ONNX for the plugin.

    python3 scripts/export-torch.py --arch resnet50 [--weights W.pth] --pooling gem [--p 3]
        [--output-kind feature_map|vector] [--whitening LW.pth|LW.npz] [--size longest:1024|fixed:724x724]
        --out model.onnx [--config model.json] [--model-id ID --upload http://127.0.0.1:9200]

Needs PyTorch and torchvision (Debian: apt-get install python3-torch python3-torchvision; run
Debian's /usr/bin/python3). Nothing is downloaded: without --weights the network keeps its random
initialisation (seeded by --seed), which is what the mechanics test uses.

Two forms of export (docs/export.md):
  feature_map  the trunk only (ResNet: conv1..layer4; VGG16: features without the last max-pool),
               output "features" [N, C, h, w]; the plugin pools it (gem / mac / rmac / spoc / grid,
               multi-scale) by the model's recipe. Whitening: learn it in the cluster (_learn).
  vector       trunk + GeM or MAC + L2 (+ a cirtorch whitening Lw = {m, P} folded into the graph as
               y = L2(P (x - m))), output "descriptor" [N, D]; the recipe's pooling is "none".
               R-MAC depends on the map's size and is only offered as feature_map (the plugin's rmac).
Height and width are dynamic in both (and the batch axis), so any input size runs.

Weights (--weights): a torchvision state dict (conv1.weight, layer1.0..., fc.* is ignored), or a
cirtorch checkpoint ({"state_dict": {"features.0.weight", ..., "pool.p"}, "meta": {...}}): the
"features." keys load into the trunk and "pool.p" becomes the GeM exponent unless --p is given.
Whitening (--whitening): a .pth (torch.load) or .npz holding "m" (D or D x 1) and "P" (D' x D), as
cirtorch's whitenlearn returns; nested cirtorch meta is read with --whitening-key (e.g. Lw/retrieval-SfM-120k/ss).
"""
import argparse
import base64
import hashlib
import json
import sys
import urllib.request

import numpy as np
import torch
import torchvision

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
PART_BYTES = 10 * 1024 * 1024


def trunk(arch):
    """The convolutional trunk of a torchvision network, as cirtorch builds it (nn.Sequential of the children)."""
    if arch in ("resnet50", "resnet101"):
        net = getattr(torchvision.models, arch)()
        return net, torch.nn.Sequential(*list(net.children())[:-2]), 2048
    if arch == "vgg16":
        net = torchvision.models.vgg16()
        return net, torch.nn.Sequential(*list(net.features.children())[:-1]), 512
    raise SystemExit(f"--arch must be resnet50, resnet101 or vgg16, got {arch}")


def load_weights(net, features, path):
    """Loads torchvision or cirtorch weights; returns the checkpoint's GeM p, if any."""
    state = torch.load(path, map_location="cpu")
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    cirtorch = {k[len("features."):]: v for k, v in state.items() if k.startswith("features.")}
    if cirtorch:
        features.load_state_dict(cirtorch, strict=True)
        p = state.get("pool.p")
        return float(p.flatten()[0]) if p is not None else None
    missing, unexpected = net.load_state_dict(state, strict=False)
    trunk_missing = [k for k in missing if not k.startswith(("fc.", "classifier."))]
    if trunk_missing or unexpected:
        raise SystemExit(f"{path}: not a torchvision state dict of this network: missing {trunk_missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    return None


def load_whitening(path, key):
    if path.endswith(".npz"):
        lw = dict(np.load(path))
    else:
        lw = torch.load(path, map_location="cpu")
    for part in (key.split("/") if key else []):
        lw = lw[part]
    m = np.asarray(lw["m"], dtype=np.float64).reshape(-1)
    P = np.asarray(lw["P"], dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != m.shape[0]:
        raise SystemExit(f"whitening {path}: P must be D' x D with D = len(m) = {m.shape[0]}, got {P.shape}")
    return m, P


class Descriptor(torch.nn.Module):
    """trunk -> GeM/MAC -> L2 [-> P (x - m) -> L2]: cirtorch's ImageRetrievalNet, in ONNX-exportable ops."""

    def __init__(self, features, pooling, p, whitening):
        super().__init__()
        self.features = features
        self.pooling = pooling
        self.p = p
        self.whiten = None
        if whitening is not None:
            m, P = whitening
            self.whiten = torch.nn.Linear(P.shape[1], P.shape[0])
            with torch.no_grad():
                self.whiten.weight.copy_(torch.from_numpy(P).float())
                self.whiten.bias.copy_(torch.from_numpy(-(P @ m)).float())

    def forward(self, x):
        f = self.features(x)
        if self.pooling == "gem":
            v = f.clamp(min=1e-6).pow(self.p).mean(dim=(2, 3)).pow(1.0 / self.p)
        else:
            v = f.amax(dim=(2, 3))
        v = v / (v.norm(dim=1, keepdim=True) + 1e-6)
        if self.whiten is not None:
            v = self.whiten(v)
            v = v / (v.norm(dim=1, keepdim=True) + 1e-6)
        return v


def parse_size(text):
    kind, _, value = text.partition(":")
    if kind == "longest":
        return {"longest_side": int(value)}
    if kind == "fixed":
        w, h = value.lower().split("x")
        return {"fixed": [int(w), int(h)]}
    raise SystemExit(f"--size must be longest:N or fixed:WxH, got {text}")


def model_config(args, p):
    pooling = {"type": "none"}
    if args.output_kind == "feature_map":
        pooling = {"type": args.pooling}
        if args.pooling == "gem":
            pooling["p"] = p
    scales = [float(s) for s in args.scales.split(",")]
    return {
        "description": f"{args.arch} {args.pooling}" + (" + whitening" if args.whitening else "") + f" ({args.output_kind}, export-torch.py)",
        "input": {"size": parse_size(args.size), "mean": IMAGENET_MEAN, "std": IMAGENET_STD, "channel_order": "rgb", "layout": "nchw"},
        "output": {"name": "features" if args.output_kind == "feature_map" else "descriptor", "kind": args.output_kind},
        "recipe": {"pooling": pooling, "scales": scales},
    }


def upload(url, model_id, config, onnx_path):
    """PUT the configuration, then every 10 MiB part of the definition (as docs/api.md shows with curl)."""
    def put(path, body):
        req = urllib.request.Request(url.rstrip("/") + path, data=json.dumps(body).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.load(r)
    put(f"/_retrieval/model/{model_id}", config)
    data = open(onnx_path, "rb").read()
    parts = [data[i:i + PART_BYTES] for i in range(0, len(data), PART_BYTES)]
    sha = hashlib.sha256(data).hexdigest()
    answer = None
    for i, part in enumerate(parts):
        answer = put(f"/_retrieval/model/{model_id}/definition/{i}",
                     {"definition": base64.b64encode(part).decode(), "total_parts": len(parts),
                      "total_definition_length": len(data), "sha256": sha})
    if answer["state"] != "ready":
        raise SystemExit(f"model [{model_id}] is {answer['state']}: {answer.get('failure_reason')}")
    return answer


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="resnet50", choices=["resnet50", "resnet101", "vgg16"])
    ap.add_argument("--weights", help="torchvision state dict or cirtorch checkpoint (default: random weights)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    ap.add_argument("--pooling", default="gem", choices=["gem", "mac", "rmac"])
    ap.add_argument("--p", type=float, help="GeM exponent (default: the checkpoint's pool.p, else 3)")
    ap.add_argument("--output-kind", default="feature_map", choices=["feature_map", "vector"])
    ap.add_argument("--whitening", help="cirtorch Lw {m, P} (.pth or .npz), folded into a vector export")
    ap.add_argument("--whitening-key", help="slash-separated path to {m, P} inside the whitening file")
    ap.add_argument("--size", default="longest:1024", help="input.size: longest:N or fixed:WxH")
    ap.add_argument("--scales", default="1,0.7071,0.5", help="recipe scales (comma-separated)")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--out", required=True, help="the .onnx file to write")
    ap.add_argument("--config", help="also write the PUT _retrieval/model body here (it is printed anyway)")
    ap.add_argument("--model-id", help="model id for the printed request and --upload")
    ap.add_argument("--upload", metavar="URL", help="PUT the configuration and the definition to this node")
    args = ap.parse_args(argv)

    if args.output_kind == "vector" and args.pooling == "rmac":
        raise SystemExit("--pooling rmac needs --output-kind feature_map: R-MAC regions depend on the map's size, the plugin pools them")
    if args.whitening and args.output_kind != "vector":
        raise SystemExit("--whitening needs --output-kind vector: the whitening is folded into the exported graph "
                         "(for feature_map exports learn one in the cluster with POST _retrieval/whitening/{id}/_learn)")
    torch.manual_seed(args.seed)
    net, features, _ = trunk(args.arch)
    p = load_weights(net, features, args.weights) if args.weights else None
    p = args.p if args.p is not None else (p if p is not None else 3.0)
    whitening = load_whitening(args.whitening, args.whitening_key) if args.whitening else None

    if args.output_kind == "feature_map":
        module, output = features, "features"
        axes = {"image": {0: "batch", 2: "height", 3: "width"}, output: {0: "batch", 2: "h", 3: "w"}}
    else:
        module, output = Descriptor(features, args.pooling, p, whitening), "descriptor"
        axes = {"image": {0: "batch", 2: "height", 3: "width"}, output: {0: "batch"}}
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, torch.zeros(1, 3, 224, 224), args.out, input_names=["image"], output_names=[output],
                          dynamic_axes=axes, opset_version=args.opset, do_constant_folding=True)
    config = model_config(args, p)
    text = json.dumps(config, indent=2)
    if args.config:
        with open(args.config, "w") as f:
            f.write(text + "\n")
    print(f"# wrote {args.out}; the model's configuration:", file=sys.stderr)
    print(f"PUT _retrieval/model/{args.model_id or '<model_id>'}\n{text}")
    if args.upload:
        if not args.model_id:
            raise SystemExit("--upload needs --model-id")
        answer = upload(args.upload, args.model_id, config, args.out)
        print(f"# uploaded: model [{args.model_id}] is {answer['state']}, "
              f"{answer['definition']['total_definition_length']} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
