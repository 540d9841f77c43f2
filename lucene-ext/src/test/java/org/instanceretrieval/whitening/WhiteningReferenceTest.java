package org.instanceretrieval.whitening;

import net.razorvine.pickle.Unpickler;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

/**
 * Compares the learners with the numpy re-implementation of cirtorch's whitening
 * ({@code bench/whitening_reference.py}, which writes {@code whitening-reference.pkl}): 60
 * L2-normalised 8-dimensional vectors, 25 pairs. numpy's eigenvector signs are normalised there
 * to our convention. Whitened vectors use the definitions' exact L2 (not cirtorch's
 * {@code norm + 1e-6}, see {@link Whitening}) and are compared to 1e-6.
 */
public class WhiteningReferenceTest {

    private static Map<?, ?> reference;
    private static float[][] x;

    @BeforeClass
    public static void load() throws IOException {
        try (InputStream in = WhiteningReferenceTest.class.getResourceAsStream("whitening-reference.pkl")) {
            reference = (Map<?, ?>) new Unpickler().load(in);
        }
        x = matrix("X");
    }

    private static float[][] matrix(String key) {
        List<?> rows = (List<?>) reference.get(key);
        float[][] m = new float[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector((List<?>) rows.get(i));
        }
        return m;
    }

    private static float[] vector(List<?> values) {
        float[] v = new float[values.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = ((Number) values.get(j)).floatValue();
        }
        return v;
    }

    private static int[] ids(String key) {
        List<?> values = (List<?>) reference.get(key);
        int[] ids = new int[values.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ((Number) values.get(i)).intValue();
        }
        return ids;
    }

    private static void assertMatches(String name, Whitening w) {
        assertArrayEquals(vector((List<?>) reference.get(name + "_m")), w.mean(), 1e-7f);
        float[][] p = matrix(name + "_P");
        float[][] actual = w.weight();
        assertEquals(p.length, actual.length);
        for (int i = 0; i < p.length; i++) {
            float scale = 0;
            for (float v : p[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertArrayEquals(name + " row " + i, p[i], actual[i], 1e-5f * scale);
        }
        float[][] expected = matrix(name + "_out");
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(name + " vector " + i, expected[i], w.apply(x[i]), 1e-6f);
        }
    }

    @Test
    public void pcaWhiteningMatchesCirtorch() {
        assertMatches("pca", PcaWhitening.full().learn(x));
    }

    @Test
    public void powerLawWhiteningMatchesTheDefinition() {
        assertMatches("pca025", PcaWhitening.powerLaw().learn(x));
    }

    @Test
    public void learnedWhiteningMatchesCirtorch() {
        assertMatches("lw", LearnedWhitening.full().learn(x, ids("qidxs"), ids("pidxs")));
    }
}
