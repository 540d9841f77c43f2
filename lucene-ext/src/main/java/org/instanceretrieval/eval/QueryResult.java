package org.instanceretrieval.eval;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The score of one evaluated query: its value under the protocol's metric (AP, AP@100 or the
 * UKBench count), the subset it belongs to if the protocol has subsets, and its precision at
 * each requested k (revisitop's P@k; empty for protocols without mP@k).
 */
public final class QueryResult {

    private final String queryId;
    private final String subset;
    private final double value;
    private final SortedMap<Integer, Double> precisionAtK;

    /**
     * @param queryId query name; not null
     * @param subset subset name, or null when the protocol has no subsets
     * @param value the query's metric value; finite
     * @param precisionAtK P@k by k; may be empty, not null
     */
    public QueryResult(String queryId, String subset, double value, SortedMap<Integer, Double> precisionAtK) {
        if (Double.isFinite(value) == false) {
            throw new IllegalArgumentException("query [" + queryId + "]: value must be finite, got [" + value + "]");
        }
        this.queryId = Objects.requireNonNull(queryId, "queryId");
        this.subset = subset;
        this.value = value;
        this.precisionAtK = Collections.unmodifiableSortedMap(new TreeMap<>(precisionAtK));
    }

    /** A result with no subset and no P@k. */
    public QueryResult(String queryId, double value) {
        this(queryId, null, value, new TreeMap<>());
    }

    /** Name of the query. */
    public String queryId() {
        return queryId;
    }

    /** The subset the query belongs to (GPR1200), if any. */
    public Optional<String> subset() {
        return Optional.ofNullable(subset);
    }

    /** The query's metric value (AP, AP@100 or the UKBench count); never NaN. */
    public double value() {
        return value;
    }

    /** P@k by k (unmodifiable, ascending k); empty when not computed. */
    public SortedMap<Integer, Double> precisionAtK() {
        return precisionAtK;
    }

    @Override
    public String toString() {
        return "QueryResult[" + queryId + (subset == null ? "" : ", " + subset) + ", " + value + "]";
    }
}
