#!/usr/bin/env python3
"""Reference whitening numbers for lucene-ext's WhiteningReferenceTest.

Re-implements, in numpy float64, the whitening learners of cirtorch (cirtorch/utils/whiten.py:
pcawhitenlearn, whitenlearn, whitenapply) and dirtorch's power-law variant, as described in
shared/reference/retrieval-definitions.md, on a small seeded sample, and writes inputs and
outputs to a pickle of plain lists (readable by Pyrolite):

  python3 bench/whitening_reference.py \
      lucene-ext/src/test/resources/org/instanceretrieval/whitening/whitening-reference.pkl

numpy's eigenvectors have arbitrary signs; to compare with the Java learners each eigenvector
is given the Java convention (largest-magnitude component positive) before P is formed. This
changes only the sign of whitened coordinates, not the whitening.
"""
import pickle
import sys

import numpy as np


def sign_normalise(eigvec):
    """Columns of eigvec flipped so that each one's largest-magnitude component is positive."""
    out = eigvec.copy()
    for k in range(out.shape[1]):
        j = int(np.argmax(np.abs(out[:, k])))
        if out[j, k] < 0:
            out[:, k] = -out[:, k]
    return out


def sorted_eig(sym):
    eigval, eigvec = np.linalg.eigh(sym)
    order = np.argsort(-eigval, kind="stable")
    return eigval[order], sign_normalise(eigvec[:, order])


def pca_learn(X, power):
    """X is D x N (columns are vectors), covariance divided by N, P = diag(lambda^-power) V^T."""
    n = X.shape[1]
    m = X.mean(axis=1, keepdims=True)
    Xc = X - m
    cov = Xc @ Xc.T
    cov = (cov + cov.T) / (2 * n)
    eigval, eigvec = sorted_eig(cov)
    P = np.diag(eigval ** -power) @ eigvec.T
    return m, P


def cholesky_grown(S):
    """Cholesky of S + alpha I, alpha = 0 first, then 1e-10 growing by x10 (cirtorch)."""
    alpha = 0.0
    while True:
        try:
            return np.linalg.cholesky(S + alpha * np.eye(S.shape[0]))
        except np.linalg.LinAlgError:
            alpha = 1e-10 if alpha == 0 else alpha * 10


def lw_learn(X, qidxs, pidxs):
    m = X[:, qidxs].mean(axis=1, keepdims=True)
    df = X[:, qidxs] - X[:, pidxs]
    S = df @ df.T / df.shape[1]
    P1 = np.linalg.inv(cholesky_grown(S))
    dfw = P1 @ (X - m)
    D = dfw @ dfw.T
    _, eigvec = sorted_eig((D + D.T) / 2)
    return m, eigvec.T @ P1


def apply(X, m, P):
    """y = L2(P (x - m)) as in the definitions. cirtorch's whitenapply divides by norm + 1e-6
    instead, a relative difference of 1e-6 / |P (x - m)|: below 1e-6 for full whitening, whose
    whitened norms exceed 1, but not for power-law whitening, whose norms are below 1."""
    Y = P @ (X - m)
    return Y / np.linalg.norm(Y, ord=2, axis=0, keepdims=True)


def main(path):
    rng = np.random.default_rng(20240611)
    d, n, pairs = 8, 60, 25
    # anisotropic Gaussian + offset, L2-normalised, rounded to float32 (the Java input type)
    X = 0.5 + rng.standard_normal((d, n)) / (1 + np.arange(d))[:, None]
    X = (X / np.linalg.norm(X, axis=0, keepdims=True)).astype(np.float32).astype(np.float64)
    qidxs = list(range(pairs))
    pidxs = [int(i) for i in rng.choice(np.arange(pairs, n), size=pairs, replace=False)]

    out = {"X": X.T.tolist(), "qidxs": qidxs, "pidxs": pidxs}
    for name, (m, P) in {
        "pca": pca_learn(X, 0.5),
        "pca025": pca_learn(X, 0.25),
        "lw": lw_learn(X, qidxs, pidxs),
    }.items():
        out[name + "_m"] = m[:, 0].tolist()
        out[name + "_P"] = P.tolist()
        out[name + "_out"] = apply(X, m, P).T.tolist()
    with open(path, "wb") as f:
        pickle.dump(out, f, protocol=2)


if __name__ == "__main__":
    main(sys.argv[1])
