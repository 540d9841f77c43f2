package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The revisited Oxford / Paris ground-truth pickles of revisitop ({@code gnd_roxford5k.pkl},
 * {@code gnd_rparis6k.pkl}): a dict with {@code imlist} (the database), {@code qimlist} (70
 * queries, not in the database) and {@code gnd}, one dict per query with {@code easy},
 * {@code hard}, {@code junk} (int indices into imlist) and {@code bbx}. The easy / medium / hard
 * setups are formed by the protocol {@code revisited} from these lists; the query keeps them
 * apart ({@code positive} stays empty).
 */
public final class RevisitopPickle {

    private RevisitopPickle() {}

    /**
     * @param protocol the protocol to record (null: {@code revisited})
     * @throws IllegalArgumentException on a malformed pickle or an unexpected structure
     */
    public static NamedGroundTruth parse(byte[] pickle, String protocol) {
        return parse(pickle, protocol, ExpansionBudget.unlimited());
    }

    /** As {@link #parse(byte[], String)}, every easy, hard and junk list counted on {@code budget} before it is expanded. */
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
            queries.add(new NamedQuery(
                qimlist.get(q),
                List.of(),
                list(entry, "easy", imlist, at, budget),
                list(entry, "hard", imlist, at, budget),
                list(entry, "junk", imlist, at, budget),
                CirtorchPickle.box(entry, at)
            ));
        }
        return new NamedGroundTruth(protocol == null ? "revisited" : protocol, imlist, queries, null);
    }

    private static List<String> list(Map<?, ?> entry, String key, List<String> imlist, String at, ExpansionBudget budget) {
        return PickleValues.names(PickleValues.indices(PickleValues.required(entry, key, at), imlist.size(), at + "[" + key + "]", budget),
            imlist);
    }
}
