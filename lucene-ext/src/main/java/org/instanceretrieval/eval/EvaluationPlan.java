package org.instanceretrieval.eval;

import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A ground truth resolved against one collection: for each query and each <i>view</i> (the
 * revisited protocol's medium, easy and hard; one view {@code all} otherwise) the collection
 * positions of its positives and junk, the number of positives (those missing from the
 * collection included), and how a query's value is computed from the junk-free positions of
 * its retrieved positives. Both engines produce those positions (the exact engine from full
 * score rows, the search engine from returned hits), so both share every metric computed here.
 *
 * <p>Protocols (retrieval-definitions.md, "Evaluation protocols"):
 * <ul>
 *   <li>{@code oxford_paris}, {@code instre}: positives = the query's {@code positive}, {@code easy} and
 *       {@code hard} lists, junk skipped, trapezoid AP, revisitop's P@k;</li>
 *   <li>{@code holidays}: as above, and the query document is junk for its own ranking;</li>
 *   <li>{@code revisited}: three views, positives/junk as {@link RevisitedProtocol.Difficulty};
 *       the overall values are the medium ones;</li>
 *   <li>{@code gpr1200}: class labels; every labelled image is a query, its positives are its
 *       class, itself included; non-interpolated AP; subsets by blocks of 2,000 labels when there
 *       are 12,000 labels (landmarks, iNat, sketch, INSTRE, SOP, faces);</li>
 *   <li>{@code ukbench}: class labels; the N-S score (same-class images among the top 4);</li>
 *   <li>{@code gldv2}: mAP@100 (no junk allowed).</li>
 * </ul>
 * A positive that is not in the collection is never retrieved but counts in its query's number of
 * positives (the collection is incomplete, and the metric says so); such names are reported.
 */
public final class EvaluationPlan {

    /** How a query's value is computed from the positions of its retrieved positives. */
    public enum Metric {
        TRAPEZOID_AP("mAP", "ap"),
        NON_INTERPOLATED_AP("mAP", "ap"),
        NS_SCORE("N-S score", "score"),
        AP_AT_100("mAP@100", "ap");

        /** Name of the mean in {@code overall}. */
        public final String meanName;
        /** Name of the per-query value. */
        public final String queryName;

        Metric(String meanName, String queryName) {
            this.meanName = meanName;
            this.queryName = queryName;
        }
    }

    /** The GPR1200 subsets in label order, blocks of 2,000. */
    static final List<String> GPR1200_SUBSETS = List.of("landmarks", "iNat", "sketch", "INSTRE", "SOP", "faces");
    static final int GPR1200_SUBSET_SIZE = 2000;

    private final String protocol;
    private final Metric metric;
    private final List<String> views;
    private final List<String> queryNames;
    private final int[][][] positives; // [view][query] sorted collection positions
    private final int[][][] junk;      // [view][query] sorted collection positions
    private final int[][] numPositives; // [view][query], missing positives included
    private final String[] querySubset; // GPR1200 subset of each query, or null
    private final int[] ks;
    private final int collectionSize;
    private final Set<String> missingNames;

    private EvaluationPlan(String protocol, Metric metric, List<String> views, List<String> queryNames, int[][][] positives,
        int[][][] junk, int[][] numPositives, String[] querySubset, int[] ks, int collectionSize, Set<String> missingNames) {
        this.protocol = protocol;
        this.metric = metric;
        this.views = views;
        this.queryNames = queryNames;
        this.positives = positives;
        this.junk = junk;
        this.numPositives = numPositives;
        this.querySubset = querySubset;
        this.ks = ks;
        this.collectionSize = collectionSize;
        this.missingNames = missingNames;
    }

    /** The cut-offs used when a request gives none: revisitop's 1, 5, 10 for {@code revisited}, none otherwise. */
    public static int[] defaultKs(String protocol) {
        return "revisited".equals(protocol) ? RevisitedProtocol.DEFAULT_KS.clone() : new int[0];
    }

    /**
     * Checks that {@code protocol} can be applied to {@code groundTruth}.
     *
     * @throws IllegalArgumentException (400) naming the protocol and what the ground truth lacks
     */
    public static void checkProtocolFits(String groundTruthId, NamedGroundTruth groundTruth, String protocol, int[] ks) {
        if (NamedGroundTruth.PROTOCOLS.contains(protocol) == false) {
            throw new IllegalArgumentException("unknown [protocol] [" + protocol + "], expected one of " + NamedGroundTruth.PROTOCOLS);
        }
        boolean classProtocol = protocol.equals("gpr1200") || protocol.equals("ukbench");
        if (classProtocol && groundTruth.isClassLabels() == false) {
            throw new IllegalArgumentException("protocol [" + protocol + "] needs class labels, but ground truth [" + groundTruthId
                + "] has query lists");
        }
        if (classProtocol == false && groundTruth.isClassLabels()) {
            throw new IllegalArgumentException("protocol [" + protocol + "] needs query lists, but ground truth [" + groundTruthId
                + "] has class labels (use [gpr1200] or [ukbench])");
        }
        if (protocol.equals("revisited")
            && groundTruth.queries().stream().allMatch(q -> q.easy().isEmpty() && q.hard().isEmpty())) {
            throw new IllegalArgumentException("protocol [revisited] needs [easy] and [hard] lists, but no query of ground truth ["
                + groundTruthId + "] has any");
        }
        if (protocol.equals("gldv2")) {
            for (NamedQuery query : groundTruth.queries()) {
                if (query.junk().isEmpty() == false) {
                    throw new IllegalArgumentException("protocol [gldv2] has no junk, but query [" + query.name() + "] of ground truth ["
                        + groundTruthId + "] lists some");
                }
            }
        }
        if (ks.length > 0 && (protocol.equals("ukbench") || protocol.equals("gldv2"))) {
            throw new IllegalArgumentException("[ks] (mP@k) applies to the AP protocols, not to [" + protocol + "]");
        }
    }

    /**
     * Names of the collection's items in the order the exact engine uses for ties: the ground
     * truth's {@code database} order (or, for class labels, the labels' order), then the other
     * names of the index in ascending order.
     */
    public static List<String> collectionOrder(NamedGroundTruth groundTruth, Set<String> indexNames) {
        LinkedHashSet<String> ordered = new LinkedHashSet<>();
        List<String> declared = groundTruth.isClassLabels() ? new ArrayList<>(groundTruth.classes().keySet()) : groundTruth.database();
        if (declared != null) {
            for (String name : declared) {
                if (indexNames.contains(name)) {
                    ordered.add(name);
                }
            }
        }
        new TreeSet<>(indexNames).forEach(ordered::add);
        return List.copyOf(ordered);
    }

    /**
     * Resolves the ground truth against a collection.
     *
     * @param collection the collection's names by position (unique)
     * @param ks validated cut-offs (ascending, distinct, at least 1)
     * @param queryInCollection for Holidays: whether the query image is one of the collection's
     *     documents (then it is junk for its own ranking)
     */
    public static EvaluationPlan build(NamedGroundTruth groundTruth, String protocol, List<String> collection, int[] ks) {
        Map<String, Integer> position = new HashMap<>(collection.size() * 2);
        for (int i = 0; i < collection.size(); i++) {
            position.put(collection.get(i), i);
        }
        Set<String> missing = new TreeSet<>();
        if (groundTruth.isClassLabels()) {
            return classPlan(groundTruth, protocol, collection.size(), position, missing, ks);
        }
        boolean revisited = protocol.equals("revisited");
        List<String> views = revisited ? List.of("medium", "easy", "hard") : List.of("all");
        List<NamedQuery> queries = groundTruth.queries();
        int[][][] pos = new int[views.size()][queries.size()][];
        int[][][] jnk = new int[views.size()][queries.size()][];
        int[][] npos = new int[views.size()][queries.size()];
        List<String> names = new ArrayList<>(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            NamedQuery query = queries.get(q);
            names.add(query.name());
            if (revisited) {
                // medium: easy + hard / junk; easy: easy / junk + hard; hard: hard / junk + easy
                List<List<String>> positiveLists = List.of(concat(query.easy(), query.hard()), query.easy(), query.hard());
                List<List<String>> junkLists = List.of(query.junk(), concat(query.junk(), query.hard()), concat(query.junk(), query.easy()));
                for (int v = 0; v < 3; v++) {
                    npos[v][q] = positiveLists.get(v).size();
                    pos[v][q] = positions(positiveLists.get(v), position, missing);
                    jnk[v][q] = positions(junkLists.get(v), position, missing);
                }
            } else {
                List<String> relevant = concat(concat(query.positives(), query.easy()), query.hard());
                npos[0][q] = relevant.size();
                pos[0][q] = positions(relevant, position, missing);
                List<String> junkNames = query.junk();
                if (protocol.equals("holidays") && position.containsKey(query.name()) && junkNames.contains(query.name()) == false) {
                    if (relevant.contains(query.name())) {
                        throw new IllegalArgumentException("protocol [holidays] removes the query from its own ranking, but query ["
                            + query.name() + "] lists itself as a positive");
                    }
                    junkNames = concat(junkNames, List.of(query.name()));
                }
                jnk[0][q] = positions(junkNames, position, missing);
            }
        }
        if (groundTruth.database() != null) {
            for (String name : groundTruth.database()) {
                if (position.containsKey(name) == false) {
                    missing.add(name);
                }
            }
        }
        Metric metric = protocol.equals("gldv2") ? Metric.AP_AT_100 : Metric.TRAPEZOID_AP;
        return new EvaluationPlan(protocol, metric, views, List.copyOf(names), pos, jnk, npos, null, ks, collection.size(), missing);
    }

    private static EvaluationPlan classPlan(NamedGroundTruth groundTruth, String protocol, int collectionSize, Map<String, Integer> position,
        Set<String> missing, int[] ks) {
        Map<String, List<String>> members = new LinkedHashMap<>();
        groundTruth.classes().forEach((name, label) -> members.computeIfAbsent(label, l -> new ArrayList<>()).add(name));
        int n = groundTruth.classes().size();
        boolean gprSubsets = protocol.equals("gpr1200") && n == GPR1200_SUBSETS.size() * GPR1200_SUBSET_SIZE;
        int[][][] pos = new int[1][n][];
        int[][][] jnk = new int[1][n][];
        int[][] npos = new int[1][n];
        String[] subsets = gprSubsets ? new String[n] : null;
        List<String> names = new ArrayList<>(n);
        Map<String, int[]> classPositions = new HashMap<>();
        int q = 0;
        for (Map.Entry<String, String> entry : groundTruth.classes().entrySet()) {
            names.add(entry.getKey());
            List<String> classMembers = members.get(entry.getValue());
            npos[0][q] = classMembers.size();
            pos[0][q] = classPositions.computeIfAbsent(entry.getValue(), label -> positions(classMembers, position, missing));
            jnk[0][q] = new int[0];
            if (subsets != null) {
                subsets[q] = GPR1200_SUBSETS.get(q / GPR1200_SUBSET_SIZE);
            }
            q++;
        }
        Metric metric = protocol.equals("ukbench") ? Metric.NS_SCORE : Metric.NON_INTERPOLATED_AP;
        return new EvaluationPlan(protocol, metric, List.of("all"), List.copyOf(names), pos, jnk, npos, subsets, ks, collectionSize, missing);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    private static int[] positions(List<String> names, Map<String, Integer> position, Set<String> missing) {
        int[] out = new int[names.size()];
        int found = 0;
        for (String name : names) {
            Integer p = position.get(name);
            if (p == null) {
                missing.add(name);
            } else {
                out[found++] = p;
            }
        }
        int[] result = Arrays.copyOf(out, found);
        Arrays.sort(result);
        return result;
    }

    public String protocol() {
        return protocol;
    }

    public Metric metric() {
        return metric;
    }

    /** The views: {@code [medium, easy, hard]} for revisited, {@code [all]} otherwise; view 0 gives the overall values. */
    public List<String> views() {
        return views;
    }

    public int numQueries() {
        return queryNames.size();
    }

    public String queryName(int query) {
        return queryNames.get(query);
    }

    public List<String> queryNames() {
        return queryNames;
    }

    public int collectionSize() {
        return collectionSize;
    }

    /** Collection positions of the query's positives present in the collection (sorted; shared, do not modify). */
    public int[] positives(int view, int query) {
        return positives[view][query];
    }

    /** Collection positions of the query's junk (sorted; shared, do not modify). */
    public int[] junk(int view, int query) {
        return junk[view][query];
    }

    /** The query's number of positives, those missing from the collection included; 0 excludes it from the view's means. */
    public int numPositives(int view, int query) {
        return numPositives[view][query];
    }

    /** The GPR1200 subset of the query, or null. */
    public String subsetOf(int query) {
        return querySubset == null ? null : querySubset[query];
    }

    public int[] ks() {
        return ks.clone();
    }

    /** Ground-truth names that are not in the collection, ascending. */
    public Set<String> missingNames() {
        return missingNames;
    }

    /** The largest number of junk documents of any query in any view (bounds how far a truncated ranking reaches). */
    public boolean hasJunk() {
        for (int[][] view : junk) {
            for (int[] j : view) {
                if (j.length > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The junk-free positions of the query's positives in a ranking of collection positions
     * (full or truncated), as {@link RankingMetrics#junkFreePositivePositions} computes them.
     */
    public int[] positionsInRanking(int view, int query, int[] ranking) {
        int[] p = positives[view][query];
        int[] j = junk[view][query];
        return RankingMetrics.junkFreePositivePositions(ranking, d -> Arrays.binarySearch(p, d) >= 0, d -> Arrays.binarySearch(j, d) >= 0);
    }

    /**
     * The query's value in a view from the junk-free 0-based positions of its retrieved
     * positives, or NaN when it has no positives (excluded from the means).
     */
    public double value(int view, int query, int[] positions) {
        int n = numPositives[view][query];
        if (n == 0) {
            return Double.NaN;
        }
        return switch (metric) {
            case TRAPEZOID_AP -> AveragePrecision.trapezoid(positions, n);
            case NON_INTERPOLATED_AP -> AveragePrecision.nonInterpolated(positions, n);
            case NS_SCORE -> {
                int count = 0;
                for (int p : positions) {
                    if (p < 4) {
                        count++;
                    }
                }
                yield count;
            }
            case AP_AT_100 -> {
                double sum = 0;
                for (int j = 0; j < positions.length && positions[j] < 100; j++) {
                    sum += (double) (j + 1) / (positions[j] + 1);
                }
                yield sum / Math.min(n, 100);
            }
        };
    }

    /** revisitop's P@k for each k of the plan (empty when the query has no positives). */
    public double[] precisions(int view, int query, int[] positions) {
        if (numPositives[view][query] == 0) {
            return new double[0];
        }
        double[] out = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            out[i] = RankingMetrics.precisionAtK(positions, ks[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "EvaluationPlan[%s, %d queries, %d items, views %s]", protocol, numQueries(), collectionSize, views);
    }
}
