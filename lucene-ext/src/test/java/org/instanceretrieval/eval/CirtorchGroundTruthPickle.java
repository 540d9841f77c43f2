package org.instanceretrieval.eval;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Unpickler;
import org.instanceretrieval.eval.format.GroundTruthPickles;

/**
 * Test-only reader of the cirtorch ground-truth pickles (testdata/groundtruth/gnd_*.pkl). Their
 * structure, checked with python3: a dict with {@code imlist} and {@code qimlist} (lists of
 * str), {@code qidx} (list of int, index of each query in imlist) and {@code gnd} (list of
 * dicts with {@code bbx} (4 numbers, int or float), {@code ok} and {@code junk} (lists of int
 * indices into imlist)). They are plain Python lists, no numpy arrays, so Pyrolite yields
 * ArrayList / Integer / Double / String.
 */
final class CirtorchGroundTruthPickle {

    final List<String> imlist;
    final List<String> qimlist;
    final int[] qidx;
    final List<int[]> ok = new ArrayList<>();
    final List<int[]> junk = new ArrayList<>();
    final List<double[]> bbx = new ArrayList<>();

    private CirtorchGroundTruthPickle(Map<?, ?> root) {
        imlist = strings(root.get("imlist"));
        qimlist = strings(root.get("qimlist"));
        qidx = ints(root.get("qidx"));
        for (Object entry : (List<?>) root.get("gnd")) {
            Map<?, ?> query = (Map<?, ?>) entry;
            ok.add(ints(query.get("ok")));
            junk.add(ints(query.get("junk")));
            List<?> box = (List<?>) query.get("bbx");
            double[] values = new double[box.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((Number) box.get(i)).doubleValue();
            }
            bbx.add(values);
        }
    }

    /** Reads {@code gnd_{name}.pkl} from the test classpath (testdata/groundtruth). */
    static CirtorchGroundTruthPickle load(String name) throws IOException {
        try (InputStream in = new ByteArrayInputStream(GroundTruthPickles.bytes(name))) {
            return new CirtorchGroundTruthPickle((Map<?, ?>) new Unpickler().load(in));
        }
    }

    /** The ground truth as the original protocol uses it: positives = ok, junk = junk, with the box. */
    GroundTruth groundTruth() {
        List<QueryGroundTruth> queries = new ArrayList<>();
        for (int q = 0; q < ok.size(); q++) {
            queries.add(new QueryGroundTruth(qimlist.get(q), ok.get(q), junk.get(q), BoundingBox.of(bbx.get(q))));
        }
        return new GroundTruth(imlist.size(), queries);
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add((String) o);
        }
        return out;
    }

    private static int[] ints(Object list) {
        List<?> values = (List<?>) list;
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).intValue();
        }
        return out;
    }
}
