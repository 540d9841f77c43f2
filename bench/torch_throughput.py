"""PyTorch eager baseline of the ingest throughput benchmark (docs/benchmarks.md, "Ingest throughput"):
the same randomly initialised torchvision ResNet-50 trunk (seed 0) that scripts/export-torch.py exports,
plus GeM, in eager mode with the default memory layout (NCHW, contiguous), under torch.inference_mode().
Input tensors are the JPEGs decoded by PIL and resized to W x H (made before timing).

    /usr/bin/python3 bench/torch_throughput.py JPEG_DIR W H IMAGES CONFIG...   CONFIG = threads=T,batch=B[,warmup=W]

W warm-up images before timing (default: one call).

Prints per config: torch-eager threads=T batch=B images=N seconds=S images_per_s=R cpu_seconds=C images_per_cpu_s=R'
(CPU time of the process, all threads: the machine may be shared)
"""
import glob
import importlib.util
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("export_torch", os.path.join(HERE, "..", "scripts", "export-torch.py"))
export_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(export_torch)


def main():
    jpeg_dir, w, h, images = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    mean = torch.tensor(export_torch.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(export_torch.IMAGENET_STD).view(1, 3, 1, 1)
    tensors = []
    for path in sorted(glob.glob(os.path.join(jpeg_dir, "*.jpg"))):
        x = torch.from_numpy(np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)).permute(2, 0, 1).unsqueeze(0)
        x = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
        tensors.append(((x / 255.0 - mean) / std).contiguous())
    torch.manual_seed(0)
    _, features, _ = export_torch.trunk("resnet50")
    features.eval()
    print(f"torch {torch.__version__}, mkldnn {torch.backends.mkldnn.is_available()}", flush=True)
    for config in sys.argv[5:]:
        c = dict(kv.split("=") for kv in config.split(","))
        threads, batch = int(c.get("threads", 2)), int(c.get("batch", 1))
        warmup_calls = max(1, (int(c.get("warmup", batch)) + batch - 1) // batch)
        torch.set_num_threads(threads)
        calls = (images + batch - 1) // batch
        with torch.inference_mode():
            def run(n):
                for i in range(n):
                    x = torch.cat([tensors[(i * batch + j) % len(tensors)] for j in range(batch)])
                    f = features(x)
                    f.clamp(min=1e-6).pow(3).mean(dim=(2, 3)).pow(1 / 3)
            run(warmup_calls)
            start, cpu_start = time.perf_counter(), time.process_time()
            run(calls)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(f"torch-eager threads={threads} batch={batch} images={calls * batch} seconds={seconds:.2f} "
              f"images_per_s={calls * batch / seconds:.3f} cpu_seconds={cpu:.2f} images_per_cpu_s={calls * batch / cpu:.3f}", flush=True)


if __name__ == "__main__":
    main()
