package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layout the cirtorch ({@link CirtorchPickle}) and revisitop ({@link RevisitopPickle}) ground-truth pickles
 * share: a top-level dict with {@code imlist} (the database's image names), {@code qimlist} (the queries' image
 * names) and {@code gnd}, a list with one dict per query, as long as {@code qimlist}. Query {@code q} is named
 * {@code qimlist[q]}; what its dict {@code gnd[q]} holds is read by the format's {@link QueryReader}. Errors are
 * IllegalArgumentExceptions naming the key ({@code [gnd][q][key]}, say). Stateless.
 */
final class GndPickle {

    private GndPickle() {}

    /** Reads one query's dict of {@code gnd}. */
    @FunctionalInterface
    interface QueryReader {
        /**
         * @param name   the query's image name ({@code qimlist[q]})
         * @param entry  {@code gnd[q]}, checked to be a dict
         * @param at     where {@code entry} is, for messages: {@code [gnd][q]}
         * @param imlist the database's image names, which the entry's int indices point into
         * @throws IllegalArgumentException on an entry of unexpected structure
         */
        NamedQuery read(String name, Map<?, ?> entry, String at, List<String> imlist);
    }

    /**
     * Unpickles {@code pickle} and reads {@code imlist}, {@code qimlist} and {@code gnd} (in that order), then each
     * query in order with {@code reader}.
     *
     * @param protocol the protocol the ground truth records (not checked here)
     * @throws IllegalArgumentException on a malformed pickle, a missing or mistyped top-level key, or a {@code gnd}
     *     whose length is not that of {@code qimlist}; and whatever {@code reader} throws
     */
    static NamedGroundTruth parse(byte[] pickle, String protocol, QueryReader reader) {
        Map<?, ?> root = PickleValues.dict(PickleValues.load(pickle), "the pickle's top-level object");
        List<String> imlist = PickleValues.strings(PickleValues.required(root, "imlist", "the pickle"), "[imlist]");
        List<String> qimlist = PickleValues.strings(PickleValues.required(root, "qimlist", "the pickle"), "[qimlist]");
        List<?> gnd = PickleValues.list(PickleValues.required(root, "gnd", "the pickle"), "[gnd]");
        if (gnd.size() != qimlist.size()) {
            throw new IllegalArgumentException("[gnd] has " + gnd.size() + " entries but [qimlist] has " + qimlist.size());
        }
        List<NamedQuery> queries = new ArrayList<>(gnd.size());
        for (int q = 0; q < gnd.size(); q++) {
            String at = "[gnd][" + q + "]";
            queries.add(reader.read(qimlist.get(q), PickleValues.dict(gnd.get(q), at), at, imlist));
        }
        return new NamedGroundTruth(protocol, imlist, queries, null);
    }

    /**
     * The image names of the int indices in {@code entry[key]}, counted on {@code budget} before they are expanded.
     *
     * @param whenAbsent returned when the key is absent or None; null when the key is required
     * @throws IllegalArgumentException when a required key is absent, or the value is not a list of ints in
     *     {@code [0, imlist.size())}, naming {@code at[key]}; or when the budget is exceeded
     */
    static List<String> names(Map<?, ?> entry, String key, String at, List<String> imlist, ExpansionBudget budget,
                              List<String> whenAbsent) {
        Object value = whenAbsent == null ? PickleValues.required(entry, key, at) : entry.get(key);
        if (value == null) {
            return whenAbsent;
        }
        return PickleValues.names(PickleValues.indices(value, imlist.size(), at + "[" + key + "]", budget), imlist);
    }

    /** The {@code bbx} ({@code [x1, y1, x2, y2]}) of a query entry, or null when absent or None. */
    static BoundingBox box(Map<?, ?> entry, String at) {
        Object bbx = entry.get("bbx");
        return bbx == null ? null : BoundingBox.of(PickleValues.numbers(bbx, at + "[bbx]"));
    }
}
