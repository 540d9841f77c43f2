"""A real-photo JPEG of an exact size for the benchmarks: centre crop of PHOTO to the aspect of W x H,
PIL bicubic resize, baseline JPEG quality 90.   python3 bench/make_bench_jpeg.py PHOTO OUT W H"""
import sys

from PIL import Image

photo, out, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
im = Image.open(photo).convert("RGB")
cw, ch = im.size
if cw * h > ch * w:  # too wide: crop the sides
    nw = ch * w // h
    im = im.crop(((cw - nw) // 2, 0, (cw - nw) // 2 + nw, ch))
else:
    nh = cw * h // w
    im = im.crop((0, (ch - nh) // 2, cw, (ch - nh) // 2 + nh))
im.resize((w, h), Image.BICUBIC).save(out, "JPEG", quality=90)
print(f"{out}: {w}x{h} from {photo}")
