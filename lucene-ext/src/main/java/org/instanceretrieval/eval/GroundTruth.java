package org.instanceretrieval.eval;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ground truth of a benchmark: the collection size and, in query order, each query's
 * {@link QueryGroundTruth}. Validates that every referenced document id is below
 * {@code numDocuments} and that query ids are unique. Independent of any file format.
 */
public final class GroundTruth {

    private final int numDocuments;
    private final List<QueryGroundTruth> queries;

    /**
     * @param numDocuments number of documents in the collection (ids are 0 .. numDocuments-1)
     * @param queries per-query ground truth in query order; not null, no null elements
     * @throws IllegalArgumentException if {@code numDocuments} is negative, an id is out of
     *     range (the message names the query and the id) or two queries share an id
     */
    public GroundTruth(int numDocuments, List<QueryGroundTruth> queries) {
        if (numDocuments < 0) {
            throw new IllegalArgumentException("numDocuments must be non-negative, got [" + numDocuments + "]");
        }
        if (queries == null) {
            throw new IllegalArgumentException("queries must not be null");
        }
        Set<String> ids = new HashSet<>();
        for (int q = 0; q < queries.size(); q++) {
            QueryGroundTruth query = queries.get(q);
            if (query == null) {
                throw new IllegalArgumentException("query at position [" + q + "] is null");
            }
            if (ids.add(query.queryId()) == false) {
                throw new IllegalArgumentException("query id [" + query.queryId() + "] appears twice");
            }
            int max = query.maxDocumentId();
            if (max >= numDocuments) {
                throw new IllegalArgumentException(
                    "query [" + query.queryId() + "]: document id [" + max + "] is out of range for ["
                        + numDocuments + "] documents");
            }
        }
        this.numDocuments = numDocuments;
        this.queries = List.copyOf(queries);
    }

    /** Collection size; valid document ids are 0 .. numDocuments-1. */
    public int numDocuments() {
        return numDocuments;
    }

    /** Number of queries, including those without positives. */
    public int numQueries() {
        return queries.size();
    }

    /** The query at {@code index} in query order (0-based). */
    public QueryGroundTruth query(int index) {
        return queries.get(index);
    }

    /** The queries in order (unmodifiable). */
    public List<QueryGroundTruth> queries() {
        return queries;
    }
}
