package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.List;

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
        return GndPickle.parse(pickle, protocol == null ? "revisited" : protocol, (name, entry, at, imlist) -> new NamedQuery(
            name,
            List.of(),
            GndPickle.names(entry, "easy", at, imlist, budget, null),
            GndPickle.names(entry, "hard", at, imlist, budget, null),
            GndPickle.names(entry, "junk", at, imlist, budget, null),
            GndPickle.box(entry, at)
        ));
    }
}
