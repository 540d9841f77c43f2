package org.instanceretrieval.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A deliberately simple, literal transcription of revisitop's {@code compute_map} and
 * {@code compute_ap} (which agree with the original Oxford {@code compute_ap}), used as the
 * independent expected value in tests. It mirrors the Python line by line, including the
 * "shift positives down by the junk before them" loop, rather than the production walk.
 */
final class RevisitopReference {

    /** mAP followed by mP@k for each kappa, like revisitop's (map, pr). */
    static double[] computeMap(int[][] ranks, List<int[]> ok, List<int[]> junkLists, int[] kappas) {
        double map = 0.0;
        double[] pr = new double[kappas.length];
        int nq = ok.size();
        int nempty = 0;
        for (int i = 0; i < nq; i++) {
            int[] qgnd = ok.get(i);
            if (qgnd.length == 0) {
                nempty++;
                continue;
            }
            int[] qgndj = junkLists.get(i);
            // pos = np.arange(len)[np.in1d(ranks[:, i], qgnd)], same for junk
            int[] pos = in1dPositions(ranks[i], qgnd);
            int[] junk = in1dPositions(ranks[i], qgndj);
            int k = 0;
            int ij = 0;
            if (junk.length > 0) {
                int ip = 0;
                while (ip < pos.length) {
                    while (ij < junk.length && pos[ip] > junk[ij]) {
                        k += 1;
                        ij += 1;
                    }
                    pos[ip] = pos[ip] - k;
                    ip += 1;
                }
            }
            double ap = computeAp(pos, qgnd.length);
            map = map + ap;
            // pos += 1; kq = min(max(pos), kappa); prs = (pos <= kq).sum() / kq
            for (int j = 0; j < kappas.length; j++) {
                int max = 0;
                for (int p : pos) {
                    max = Math.max(max, p + 1);
                }
                int kq = Math.min(max, kappas[j]);
                int count = 0;
                for (int p : pos) {
                    if (p + 1 <= kq) {
                        count++;
                    }
                }
                pr[j] += (double) count / kq;
            }
        }
        double[] out = new double[1 + kappas.length];
        out[0] = map / (nq - nempty);
        for (int j = 0; j < kappas.length; j++) {
            out[1 + j] = pr[j] / (nq - nempty);
        }
        return out;
    }

    static double computeAp(int[] ranks, int nres) {
        int nimgranks = ranks.length;
        double ap = 0;
        double recallStep = 1.0 / nres;
        for (int j = 0; j < nimgranks; j++) {
            int rank = ranks[j];
            double precision0;
            if (rank == 0) {
                precision0 = 1.0;
            } else {
                precision0 = (double) j / rank;
            }
            double precision1 = (double) (j + 1) / (rank + 1);
            ap += (precision0 + precision1) * recallStep / 2.0;
        }
        return ap;
    }

    private static int[] in1dPositions(int[] ranking, int[] set) {
        Set<Integer> members = new HashSet<>();
        for (int s : set) {
            members.add(s);
        }
        return java.util.stream.IntStream.range(0, ranking.length).filter(p -> members.contains(ranking[p])).toArray();
    }
}
