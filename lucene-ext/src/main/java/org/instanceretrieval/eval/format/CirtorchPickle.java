package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.LinkedHashSet;
import java.util.List;
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
        return GndPickle.parse(pickle, protocol == null ? "oxford_paris" : protocol, (name, entry, at, imlist) -> {
            Set<String> positives = new LinkedHashSet<>(GndPickle.names(entry, "good", at, imlist, budget, List.of()));
            positives.addAll(GndPickle.names(entry, "ok", at, imlist, budget, null));
            List<String> junk = GndPickle.names(entry, "junk", at, imlist, budget, List.of());
            return new NamedQuery(name, List.copyOf(positives), List.of(), List.of(), junk, GndPickle.box(entry, at));
        });
    }
}
