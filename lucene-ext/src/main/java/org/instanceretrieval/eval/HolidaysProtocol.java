package org.instanceretrieval.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * INRIA Holidays (Jegou et al. 2008): 1,491 images in groups named by image number / 100;
 * the 500 queries are the images whose number % 100 == 0, their positives the other images of
 * their group. The query image is removed from its own ranking before scoring (as in the
 * official {@code holidays_map.py}, which shifts the later ranks by one), then the trapezoid AP
 * and mAP apply. Removing the query is exactly treating it as junk for its own ranking, which
 * is how it is implemented. Some Holidays images are stored rotated; which image variant
 * (original or manually rotated) was described is a property of the features, to be stated
 * with any reported number.
 */
public final class HolidaysProtocol {

    private static final Pattern IMAGE_NUMBER = Pattern.compile("(\\d+)(\\.[A-Za-z0-9]+)?$");

    private final JunkAwareEvaluator evaluator;

    /**
     * @param groundTruth per-query positives (the query itself must not be among them) and junk
     * @param queryDocuments for query q, its own document index in the database
     * @throws IllegalArgumentException if the arrays disagree in length, a query document is out
     *     of range, or a query is among its own positives
     */
    public HolidaysProtocol(GroundTruth groundTruth, int[] queryDocuments) {
        if (groundTruth == null || queryDocuments == null) {
            throw new IllegalArgumentException("groundTruth and queryDocuments must not be null");
        }
        if (queryDocuments.length != groundTruth.numQueries()) {
            throw new IllegalArgumentException(
                "[" + queryDocuments.length + "] query documents for [" + groundTruth.numQueries() + "] queries");
        }
        List<QueryGroundTruth> withSelfAsJunk = new ArrayList<>(queryDocuments.length);
        for (int q = 0; q < queryDocuments.length; q++) {
            QueryGroundTruth query = groundTruth.query(q);
            int self = queryDocuments[q];
            if (self < 0 || self >= groundTruth.numDocuments()) {
                throw new IllegalArgumentException(
                    "query [" + query.queryId() + "]: query document [" + self + "] is out of range");
            }
            if (query.isPositive(self)) {
                throw new IllegalArgumentException(
                    "query [" + query.queryId() + "]: the query document [" + self + "] is among its own positives");
            }
            int[] junk = query.isJunk(self) ? query.junk() : DocumentSets.union(query.junk(), new int[] {self});
            withSelfAsJunk.add(new QueryGroundTruth(query.queryId(), query.positives(), junk,
                query.boundingBox().orElse(null)));
        }
        this.evaluator = new JunkAwareEvaluator(new GroundTruth(groundTruth.numDocuments(), withSelfAsJunk), new int[0]);
    }

    /**
     * Builds the protocol from the image names in database order (e.g. {@code 100000.jpg}): the
     * number is the trailing digits of the name (an extension is ignored), the group is
     * number / 100, the queries are the images with number % 100 == 0 (in database order),
     * each with the other images of its group as positives. Groups without such an image
     * provide no query.
     *
     * @throws IllegalArgumentException if a name carries no number or two names share a number
     */
    public static HolidaysProtocol fromImageNames(List<String> names) {
        if (names == null) {
            throw new IllegalArgumentException("names must not be null");
        }
        Map<Long, List<Integer>> groups = new LinkedHashMap<>();
        Map<Long, Integer> documentOfNumber = new HashMap<>();
        long[] numbers = new long[names.size()];
        for (int d = 0; d < names.size(); d++) {
            String name = names.get(d);
            Matcher m = name == null ? null : IMAGE_NUMBER.matcher(name);
            if (m == null || m.find() == false) {
                throw new IllegalArgumentException("image name [" + name + "] of document [" + d + "] has no number");
            }
            long number = Long.parseLong(m.group(1));
            Integer previous = documentOfNumber.putIfAbsent(number, d);
            if (previous != null) {
                throw new IllegalArgumentException(
                    "image number [" + number + "] appears twice (documents [" + previous + "] and [" + d + "])");
            }
            numbers[d] = number;
            groups.computeIfAbsent(number / 100, g -> new ArrayList<>()).add(d);
        }
        List<QueryGroundTruth> queries = new ArrayList<>();
        List<Integer> queryDocuments = new ArrayList<>();
        for (int d = 0; d < numbers.length; d++) {
            if (numbers[d] % 100 != 0) {
                continue;
            }
            final int self = d;
            int[] positives = groups.get(numbers[d] / 100).stream().mapToInt(Integer::intValue)
                .filter(other -> other != self).toArray();
            queries.add(QueryGroundTruth.withoutJunk(names.get(d), positives));
            queryDocuments.add(d);
        }
        return new HolidaysProtocol(new GroundTruth(names.size(), queries),
            queryDocuments.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The ground truth as scored: the query document is junk for its own ranking. */
    public GroundTruth groundTruth() {
        return evaluator.groundTruth();
    }

    /**
     * @param rankingOfQuery ranking of query q over the whole database; it may contain the query
     *     itself (skipped) or not
     */
    public EvaluationResult evaluate(IntFunction<int[]> rankingOfQuery) {
        return evaluator.evaluate(rankingOfQuery);
    }
}
