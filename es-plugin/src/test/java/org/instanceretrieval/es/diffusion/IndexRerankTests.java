package org.instanceretrieval.es.diffusion;

import org.elasticsearch.test.ESTestCase;

import java.util.Arrays;
import java.util.Comparator;

/** {@link IndexRerank#top}: the w highest of f, ties by lower index, equal to a full sort (checked against a boxed sort here). */
public class IndexRerankTests extends ESTestCase {

    public void testTopEqualsAFullSortWithTiesByIndex() {
        for (int round = 0; round < 50; round++) {
            int n = between(0, 300);
            double[] f = new double[n];
            for (int i = 0; i < n; i++) {
                f[i] = randomBoolean() ? 0 : randomFrom(-1.0, 0.5, 2.0, random().nextDouble());
            }
            int w = between(0, 320);
            Integer[] all = new Integer[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            Arrays.sort(all, Comparator.comparingDouble((Integer i) -> -f[i]).thenComparingInt(i -> i));
            int[] expected = Arrays.stream(all).limit(w).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, IndexRerank.top(f, w));
        }
    }
}
