"""Summary of bench/run-ingest-throughput.sh (docs/benchmarks.md, "Ingest throughput").

    python3 bench/ingest_summary.py MEASUREMENTS_FILE

Reads the measurement lines the run wrote (raw-ort ..., torch-eager ..., bulk ...; key=value fields), groups them
by what was measured (the raw ORT / PyTorch configuration, the node label, model and bulk shape), and prints per
group the median, min and max of images/s (wall clock) and of images per CPU-second over the rounds. Then, for
every _bulk group of the r50 network, its ratio to the raw ONNX Runtime and PyTorch groups: the ratio of the
medians and the median and range of the per-round ratios (round i's _bulk figure against round i's baseline, which ran
just before it; with fewer baseline rounds, the ratio of medians only).
"""
import statistics
import sys


def parse(line):
    words = line.split()
    kind, fields = words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w and not w.startswith("batches="))
    if kind == "raw-ort":
        group = f"raw ORT intra={fields['intra']} callers={fields['callers']} batch={fields['batch']}"
    elif kind == "torch-eager":
        group = f"PyTorch eager threads={fields['threads']} batch={fields['batch']}"
    elif kind == "bulk":
        group = f"_bulk {fields['model']} {words[1]} bulks {fields['bulk_size']}x{fields['concurrency']}"
    else:
        return None
    return kind, group, float(fields["images_per_s"]), float(fields.get("images_per_cpu_s", "nan"))


def main():
    groups = {}
    for line in open(sys.argv[1]):
        parsed = parse(line) if line.strip() else None
        if parsed:
            kind, group, wall, cpu = parsed
            groups.setdefault(group, (kind, [], []))
            groups[group][1].append(wall)
            groups[group][2].append(cpu)
    print("| what | rounds | images/s median (min-max) | images / CPU-s median (min-max) |")
    print("|---|---|---|---|")
    for group, (_, wall, cpu) in groups.items():
        print(f"| {group} | {len(wall)} | {statistics.median(wall):.3f} ({min(wall):.3f}-{max(wall):.3f}) "
              f"| {statistics.median(cpu):.3f} ({min(cpu):.3f}-{max(cpu):.3f}) |")
    baselines = {g: v for g, v in groups.items() if v[0] in ("raw-ort", "torch-eager")}
    print()
    print("| _bulk | against | ratio of medians | per-round ratios: median (min-max) |")
    print("|---|---|---|---|")
    for group, (kind, wall, _) in groups.items():
        if kind != "bulk" or " r50 " not in group:
            continue
        for base, (_, base_wall, _) in baselines.items():
            rounds = [w / b for w, b in zip(wall, base_wall)] if len(base_wall) == len(wall) else []
            spread = f"{statistics.median(rounds):.3f} ({min(rounds):.3f}-{max(rounds):.3f})" if rounds else "-"
            print(f"| {group} | {base} | {statistics.median(wall) / statistics.median(base_wall):.3f} | {spread} |")


if __name__ == "__main__":
    main()
