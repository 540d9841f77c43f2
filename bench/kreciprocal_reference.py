#!/usr/bin/env python3
"""Reference timing of k-reciprocal re-ranking (Zhong et al., CVPR 2017) for one query and its window, with numpy.

The authors' re_ranking (github.com/zhunzhong07/person-re-ranking, python-version/re_ranking_feature.py) as they wrote it,
with the query as the one probe and the window as the gallery: original_dist from the float32 features (their torch
addmm, here numpy's float32 matmul), divided by the column max and transposed, argsort rankings, k-reciprocal sets and
their expansion, V in float16, local query expansion over k2, the Jaccard distance by inverted index, and
final_dist = (1 - lambda) jaccard + lambda original. Same defaults as the plugin: k1 20, k2 6, lambda 0.3.

Input: the raw little-endian float32 file KReciprocalBenchmark's setup writes,
lucene-ext/target/kreciprocal-bench-<w>x<dim>.f32: w window rows followed by the query row.
BLAS runs on one thread (the plugin re-ranks a window on one thread), unless the environment says otherwise.

Usage: python3 bench/kreciprocal_reference.py --file F --dim D [--repeat 5]
Prints the best time in ms and the first 10 window positions of the ranking (final distance ascending, ties by position),
to compare with the line the Java benchmark prints at setup (float32 distances and float16 encodings can reorder near
ties, so a few positions may differ).
"""
import argparse
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402


def re_ranking(probFea, galFea, k1=20, k2=6, lambda_value=0.3):
    query_num = probFea.shape[0]
    all_num = query_num + galFea.shape[0]
    feat = np.concatenate([probFea, galFea]).astype(np.float32)
    sq = np.power(feat, 2).sum(axis=1, keepdims=True)
    distmat = sq + sq.T - 2 * (feat @ feat.T)
    original_dist = distmat
    gallery_num = original_dist.shape[0]
    original_dist = np.transpose(original_dist / np.max(original_dist, axis=0))
    V = np.zeros_like(original_dist).astype(np.float16)
    initial_rank = np.argsort(original_dist).astype(np.int32)

    for i in range(all_num):
        forward_k_neigh_index = initial_rank[i, :k1 + 1]
        backward_k_neigh_index = initial_rank[forward_k_neigh_index, :k1 + 1]
        fi = np.where(backward_k_neigh_index == i)[0]
        k_reciprocal_index = forward_k_neigh_index[fi]
        k_reciprocal_expansion_index = k_reciprocal_index
        for j in range(len(k_reciprocal_index)):
            candidate = k_reciprocal_index[j]
            candidate_forward_k_neigh_index = initial_rank[candidate, :int(np.around(k1 / 2)) + 1]
            candidate_backward_k_neigh_index = initial_rank[candidate_forward_k_neigh_index, :int(np.around(k1 / 2)) + 1]
            fi_candidate = np.where(candidate_backward_k_neigh_index == candidate)[0]
            candidate_k_reciprocal_index = candidate_forward_k_neigh_index[fi_candidate]
            if len(np.intersect1d(candidate_k_reciprocal_index, k_reciprocal_index)) > 2 / 3 * len(candidate_k_reciprocal_index):
                k_reciprocal_expansion_index = np.append(k_reciprocal_expansion_index, candidate_k_reciprocal_index)
        k_reciprocal_expansion_index = np.unique(k_reciprocal_expansion_index)
        weight = np.exp(-original_dist[i, k_reciprocal_expansion_index])
        V[i, k_reciprocal_expansion_index] = weight / np.sum(weight)
    original_dist = original_dist[:query_num, ]
    if k2 != 1:
        V_qe = np.zeros_like(V, dtype=np.float16)
        for i in range(all_num):
            V_qe[i, :] = np.mean(V[initial_rank[i, :k2], :], axis=0)
        V = V_qe
        del V_qe
    del initial_rank
    invIndex = []
    for i in range(gallery_num):
        invIndex.append(np.where(V[:, i] != 0)[0])

    jaccard_dist = np.zeros_like(original_dist, dtype=np.float16)
    for i in range(query_num):
        temp_min = np.zeros(shape=[1, gallery_num], dtype=np.float16)
        indNonZero = np.where(V[i, :] != 0)[0]
        indImages = [invIndex[ind] for ind in indNonZero]
        for j in range(len(indNonZero)):
            temp_min[0, indImages[j]] = temp_min[0, indImages[j]] + np.minimum(V[i, indNonZero[j]], V[indImages[j], indNonZero[j]])
        jaccard_dist[i] = 1 - temp_min / (2. - temp_min)

    final_dist = jaccard_dist * (1 - lambda_value) + original_dist * lambda_value
    return final_dist[:query_num, query_num:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = np.fromfile(args.file, dtype="<f4").reshape(-1, args.dim)
    window, query = rows[:-1], rows[-1:]
    re_ranking(query, window)  # warm-up
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        final = re_ranking(query, window)
        best = min(best, time.perf_counter() - start)
    ranking = np.lexsort((np.arange(final.shape[1]), final[0].astype(np.float64)))
    print(f"window {window.shape[0]} x {args.dim}: re_ranking {best * 1000:.1f} ms (best of {args.repeat}); "
          f"top10={ranking[:10].tolist()}")


if __name__ == "__main__":
    main()
