package org.instanceretrieval.demo.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the seed's table 1: the global descriptor G, optionally with database-side
 * augmentation (DBA: search the {@code descriptor_dba} field), average query expansion (AQE)
 * and diffusion (DFS); or, after the seed's rows, query-set expansion (QS, InsCLR) in place of AQE.
 */
public record Table1Config(String name, boolean dba, boolean aqe, boolean dfs, boolean qs) {

    /** The seed's eight rows in its order, then G and G+DBA with query-set expansion. */
    public static final List<Table1Config> ALL = List.of(
        new Table1Config("G", false, false, false, false),
        new Table1Config("G+AQE", false, true, false, false),
        new Table1Config("G+DFS", false, false, true, false),
        new Table1Config("G+DBA", true, false, false, false),
        new Table1Config("G+AQE+DFS", false, true, true, false),
        new Table1Config("G+DBA+AQE", true, true, false, false),
        new Table1Config("G+DBA+DFS", true, false, true, false),
        new Table1Config("G+DBA+AQE+DFS", true, true, true, false),
        new Table1Config("G+QS", false, false, false, true),
        new Table1Config("G+DBA+QS", true, false, false, true));

    /** How the methods are parameterised for one collection. */
    public record Parameters(int depth, int aqeN, int dfsK, double dfsGamma, double dfsAlpha, int dfsQueryK, boolean diffusionRetriever) {}

    /** The collection field this row searches. */
    public String field() {
        return dba ? "descriptor_dba" : "descriptor";
    }

    /**
     * The {@code retrieval_knn} options other than field and query (exact scoring, AQE or query-set expansion when asked;
     * query-set expansion with the seed's adopted setting, which is the endpoint's default).
     */
    public Map<String, Object> queryOptions(Parameters p) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("exact", true);
        if (aqe) {
            query.put("expansion", Map.of("method", "aqe", "n", p.aqeN()));
        } else if (qs) {
            query.put("expansion", Map.of("method", "query_set"));
        }
        return query;
    }

    /** The diffusion options shared by the rescorer and the retriever. */
    public static Map<String, Object> diffusionOptions(Parameters p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("k", p.dfsK());
        d.put("gamma", p.dfsGamma());
        d.put("alpha", p.dfsAlpha());
        d.put("query_k", p.dfsQueryK());
        return d;
    }

    /**
     * The body of {@code POST {index}/_retrieval_eval} for this row.
     *
     * @param queriesIndex index of the query documents, or null for the collection itself
     */
    public Map<String, Object> evalBody(String groundTruth, String queriesIndex, Parameters p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ground_truth", groundTruth);
        body.put("field", field());
        body.put("engine", "search");
        body.put("query", queryOptions(p));
        if (dfs) {
            if (p.diffusionRetriever()) {
                Map<String, Object> d = diffusionOptions(p);
                d.put("rank_window_size", p.depth());
                body.put("retriever", Map.of("diffusion", d));
            } else {
                body.put("rescore", Map.of("window_size", p.depth(), "diffusion", diffusionOptions(p)));
            }
        }
        body.put("depth", p.depth());
        if (queriesIndex != null) {
            body.put("queries", Map.of("index", queriesIndex, "field", "descriptor"));
        }
        body.put("name", name);
        body.put("record", true);
        return body;
    }

    /**
     * A {@code _search} body equal to what the evaluation sends for one query, with {@code size}
     * hits (the report's top 10), given the query document's vector (the query index has no
     * {@code descriptor_dba} field, so the vector is passed rather than the document).
     */
    public Map<String, Object> searchBody(float[] queryVector, int size, Parameters p) {
        Map<String, Object> knn = new LinkedHashMap<>(queryOptions(p));
        knn.put("field", field());
        knn.put("query_vector", queryVector);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("size", dfs ? Math.max(size, Math.min(p.depth(), 10000)) : size);
        body.put("_source", false);
        if (dfs && p.diffusionRetriever()) {
            Map<String, Object> d = diffusionOptions(p);
            d.put("rank_window_size", p.depth());
            d.put("field", field());
            d.put("retriever", Map.of("standard", Map.of("query", Map.of("retrieval_knn", knn))));
            body.put("retriever", Map.of("diffusion", d));
        } else {
            body.put("query", Map.of("retrieval_knn", knn));
            if (dfs) {
                Map<String, Object> d = diffusionOptions(p);
                d.put("field", field());
                d.put("query_vector", queryVector);
                body.put("rescore", Map.of("window_size", p.depth(), "diffusion", d));
            }
        }
        return body;
    }
}
