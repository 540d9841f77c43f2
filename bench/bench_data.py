"""Seeded synthetic data of the bench/ scripts (numpy): clustered unit vectors and noisy queries near them, manifold-style
classes (random walks on the sphere, load_manifold: also indexed) and revisitop's average precision over a ranking."""
import numpy as np

from es_client import load


def clustered(n, dims, seed, per_cluster=100, spread=0.6):
    """n unit vectors around n / per_cluster Gaussian centres (float32, seeded)."""
    rng = np.random.default_rng(seed)
    clusters = max(1, n // per_cluster)
    centres = rng.standard_normal((clusters, dims), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, clusters, n)
    x = centres[labels] + (spread / np.sqrt(dims)) * rng.standard_normal((n, dims), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def make_queries(x, count, seed, noise=0.3):
    """count unit vectors, each a perturbed copy of a random row of x, as lists."""
    rng = np.random.default_rng(seed)
    picks = x[rng.integers(0, len(x), count)]
    q = picks + (noise / np.sqrt(x.shape[1])) * rng.standard_normal(picks.shape, dtype=np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return [v.tolist() for v in q.astype(np.float32)]


def manifold(classes, per_class, dims, seed, step=0.35, noise=0.05):
    """classes random walks of per_class unit vectors (float32, seeded); returns (x, labels)."""
    rng = np.random.default_rng(seed)
    x = np.empty((classes * per_class, dims), dtype=np.float32)
    for c in range(classes):
        p = rng.standard_normal(dims)
        p /= np.linalg.norm(p)
        for i in range(per_class):
            p = p + (step / np.sqrt(dims)) * rng.standard_normal(dims)
            p /= np.linalg.norm(p)
            v = p + (noise / np.sqrt(dims)) * rng.standard_normal(dims)
            x[c * per_class + i] = v / np.linalg.norm(v)
    return x, np.repeat(np.arange(classes), per_class)


def load_manifold(node, index, args, what, detail):
    """manifold(args.classes, args.per_class, args.dims, seed 5) loaded into index (dot_product, flat: exact scores), after
    the line "== b. WHAT: N x DIMS manifold data (CLASSES random walks of PER_CLASS), DETAIL"; returns (x, labels)."""
    x, labels = manifold(args.classes, args.per_class, args.dims, seed=5)
    print(f"== b. {what}: {len(x)} x {args.dims} manifold data ({args.classes} random walks of {args.per_class}), {detail}",
          flush=True)
    load(node, index, x, {"v": {"type": "dense_vector", "dims": args.dims, "similarity": "dot_product",
                                "index_options": {"type": "flat"}}})
    return x, labels


def average_precision(ranking, positives):
    """revisitop / Oxford compute_ap without junk: mean over positives of (P0 + P1) / 2."""
    found, total = 0, 0.0
    for r, doc in enumerate(ranking):
        if doc in positives:
            p0 = 1.0 if r == 0 else found / r
            p1 = (found + 1) / (r + 1)
            total += (p0 + p1) / 2
            found += 1
    return total / len(positives)
