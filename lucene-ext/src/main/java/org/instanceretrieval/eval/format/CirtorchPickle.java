package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ground-truth pickles cirtorch distributes for the original Oxford5k and Paris6k
 * ({@code gnd_oxford5k.pkl}, {@code gnd_paris6k.pkl}): a dict with {@code imlist} (the
 * database's image names), {@code qimlist} (the queries' image names), optionally {@code qidx}
 * (each query's index in imlist; not needed, the name is what is kept) and {@code gnd}, one dict
 * per query with {@code ok}, optionally {@code good}, {@code junk} (int indices into imlist) and
 * {@code bbx} ({@code [x1, y1, x2, y2]}). cirtorch's own files merge good into ok; the original
 * protocol's positives are good ∪ ok, so both are read. Protocol {@code oxford_paris}.
 */
public final class CirtorchPickle {

    private CirtorchPickle() {}

    /**
     * @param protocol the protocol to record (null: {@code oxford_paris})
     * @throws IllegalArgumentException on a malformed pickle or an unexpected structure, naming
     *     the key and query
     */
    public static NamedGroundTruth parse(byte[] pickle, String protocol) {
        return parse(pickle, protocol, ExpansionBudget.unlimited());
    }

    /** As {@link #parse(byte[], String)}, every positive and junk list counted on {@code budget} before it is expanded. */
    public static NamedGroundTruth parse(byte[] pickle, String protocol, ExpansionBudget budget) {
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
            Map<?, ?> entry = PickleValues.dict(gnd.get(q), at);
            Set<String> positives = new LinkedHashSet<>();
            if (entry.get("good") != null) {
                positives.addAll(PickleValues.names(PickleValues.indices(entry.get("good"), imlist.size(), at + "[good]", budget), imlist));
            }
            positives.addAll(PickleValues.names(PickleValues.indices(PickleValues.required(entry, "ok", at), imlist.size(), at + "[ok]", budget), imlist));
            List<String> junk = entry.get("junk") == null
                ? List.of()
                : PickleValues.names(PickleValues.indices(entry.get("junk"), imlist.size(), at + "[junk]", budget), imlist);
            queries.add(new NamedQuery(qimlist.get(q), List.copyOf(positives), List.of(), List.of(), junk, box(entry, at)));
        }
        return new NamedGroundTruth(protocol == null ? "oxford_paris" : protocol, imlist, queries, null);
    }

    /** The {@code bbx} of a query entry, or null when absent or None. */
    static BoundingBox box(Map<?, ?> entry, String at) {
        Object bbx = entry.get("bbx");
        return bbx == null ? null : BoundingBox.of(PickleValues.numbers(bbx, at + "[bbx]"));
    }
}
