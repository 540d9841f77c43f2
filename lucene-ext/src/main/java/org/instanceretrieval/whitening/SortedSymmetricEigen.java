package org.instanceretrieval.whitening;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Eigen-decomposition of a real symmetric matrix (EJML's symmetric solver) with a deterministic
 * order and sign, shared by both whitening learners:
 * <ul>
 *   <li>eigenpairs are sorted by eigenvalue, descending;</li>
 *   <li>each eigenvector is unit length and its largest-magnitude component is positive (on an
 *       exact tie in magnitude, the lowest such index decides);</li>
 *   <li>exactly equal eigenvalues are ordered by their sign-normalised eigenvectors compared
 *       component by component, larger first, so the order does not depend on the solver's
 *       output order.</li>
 * </ul>
 */
final class SortedSymmetricEigen {

    /** Eigenvalues, descending. */
    final double[] values;
    /** {@code vectors[i]} is the unit eigenvector of {@code values[i]}. */
    final double[][] vectors;

    private SortedSymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes {@code symmetric} (not modified). */
    static SortedSymmetricEigen of(DMatrixRMaj symmetric) {
        int d = symmetric.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (eig.decompose(symmetric.copy()) == false) {
            throw new IllegalArgumentException("symmetric eigen-decomposition of a [" + d + "x" + d + "] matrix did not converge");
        }
        Integer[] order = new Integer[d];
        double[] rawValues = new double[d];
        double[][] rawVectors = new double[d][];
        for (int i = 0; i < d; i++) {
            order[i] = i;
            rawValues[i] = eig.getEigenvalue(i).real;
            rawVectors[i] = unitWithPositiveLargestComponent(eig.getEigenVector(i));
        }
        Comparator<Integer> byValueDescending = (a, b) -> Double.compare(rawValues[b], rawValues[a]);
        Arrays.sort(order, byValueDescending.thenComparing((a, b) -> Arrays.compare(rawVectors[b], rawVectors[a])));
        double[] values = new double[d];
        double[][] vectors = new double[d][];
        for (int i = 0; i < d; i++) {
            values[i] = rawValues[order[i]];
            vectors[i] = rawVectors[order[i]];
        }
        return new SortedSymmetricEigen(values, vectors);
    }

    private static double[] unitWithPositiveLargestComponent(DMatrixRMaj eigenvector) {
        double[] v = Arrays.copyOf(eigenvector.data, eigenvector.getNumElements());
        int largest = 0;
        for (int j = 1; j < v.length; j++) {
            if (Math.abs(v[j]) > Math.abs(v[largest])) {
                largest = j;
            }
        }
        double scale = (v[largest] < 0 ? -1 : 1) / NormOps_DDRM.normF(eigenvector);
        for (int j = 0; j < v.length; j++) {
            v[j] *= scale;
        }
        return v;
    }
}
