package org.instanceretrieval.es.eval;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.IndicesRequest;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.instanceretrieval.es.job.JobBody;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.RestJobAction;
import org.instanceretrieval.es.job.JobTask;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST {index}/_retrieval_eval}: evaluates the retrieval of an index against a stored
 * ground truth, with real searches per query ({@code engine: search}) or exact brute-force
 * scoring of every query against every document ({@code engine: exact}), and optionally records
 * the run in the data stream {@code retrieval-eval-runs}. Runs as a cancellable task. An
 * {@code indices:} action: the caller needs {@code read} on the index (and the searches, reads
 * and writes run with the caller's own privileges).
 */
public final class RetrievalEvalAction {

    public static final String NAME = "indices:data/read/retrieval/eval";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);

    public static final String ENGINE_SEARCH = "search";
    public static final String ENGINE_EXACT = "exact";

    private RetrievalEvalAction() {}

    /** The endpoint {@code POST {index}/_retrieval_eval} ({@link RestJobAction}): waits for the run, or answers its task. */
    public static RestJobAction<Request, JobResponse> rest() {
        return new RestJobAction<>("retrieval_eval", INSTANCE, new RestHandler.Route(RestRequest.Method.POST,
            "/{index}/_retrieval_eval"), (request, body) -> new Request(request.param("index"), body));
    }

    /** The task's phases (resolving, reading, evaluating, recording) and its counters. */
    public static final JobTask.Progress PROGRESS = new JobTask.Progress("resolving", "queries_done", "queries_total");

    /**
     * The validated options of a request: {@code protocol} null for the ground truth's default, {@code depth} null for the full
     * ranking, {@code ks} (ascending) null for the protocol's default, {@code queriesIndex} / {@code queriesField} (where the query
     * documents are) null for the evaluated index and {@code field}.
     */
    public record Options(String groundTruth, String protocol, String field, String engine, Map<String, Object> query,
        Map<String, Object> rescore, Map<String, Object> retriever, Map<String, Object> template, Integer depth, int[] ks,
        String queriesIndex, String queriesField, String name, boolean record) {}

    /** A parsed and validated evaluation request; {@link #body()} is the request as given (the run's configuration). */
    public static final class Request extends JobRequest<RetrievalEvalAction.Options> implements IndicesRequest {
        private static final Set<String> QUERY_KEYS = Set.of("k", "num_candidates", "expansion", "exact", "similarity", "filter",
            "query_aggregation");
        public static final String QUERY_VECTOR_PLACEHOLDER = "{{query_vector}}";
        public static final String QUERY_DOCUMENT_PLACEHOLDER = "{{query_document}}";

        private static final JobBody<Queries> QUERIES = new JobBody<>("queries", Queries::new,
            (key, keys) -> "unknown key [" + key + "] in [queries]; expected [field], [index]")
            .declare("index", (q, v) -> q.index = v, JobBody.STRING)
            .declare("field", (q, v) -> q.field = v, JobBody.STRING);
        private static final JobBody<Body> BODY = new JobBody<>("retrieval_eval", Body::new,
            (key, keys) -> "unknown key [" + key + "] in _retrieval_eval request; expected one of " + keys)
            .declare("ground_truth", (b, v) -> b.groundTruth = v, JobBody.STRING)
            .declare("protocol", (b, v) -> b.protocol = v, JobBody.STRING)
            .declare("field", (b, v) -> b.field = v, JobBody.STRING)
            .declare("engine", (b, v) -> b.engine = v, JobBody.STRING)
            .declare("query", (b, v) -> b.query = v, JobBody.OBJECT)
            .declare("rescore", (b, v) -> b.rescore = v, JobBody.OBJECT)
            .declare("retriever", (b, v) -> b.retriever = v, JobBody.OBJECT)
            .declare("template", (b, v) -> b.template = v, JobBody.OBJECT)
            .declare("depth", (b, v) -> b.depth = v, JobBody.INTEGER)
            .declare("ks", (b, v) -> b.ks = v, Request::ks)
            .declare("queries", (b, v) -> b.queries = v, (key, v) -> QUERIES.parse(JobBody.OBJECT.read(key, v)))
            .declare("name", (b, v) -> b.name = v, JobBody.STRING)
            .declare("record", (b, v) -> b.record = v, JobBody.BOOLEAN);

        /** {@code queries}: where the query documents are, when not in the evaluated index and field. */
        private static final class Queries {
            String index;
            String field;
        }

        /** The body as declared; {@link #check} checks the combinations. */
        private static final class Body {
            String groundTruth;
            String protocol;
            String field;
            String engine = ENGINE_SEARCH;
            Map<String, Object> query;
            Map<String, Object> rescore;
            Map<String, Object> retriever;
            Map<String, Object> template;
            Integer depth;
            int[] ks;
            Queries queries = new Queries();
            String name;
            boolean record;

            Options check() {
                JobBody.required("ground_truth", groundTruth);
                JobBody.required("field", field);
                if (engine.equals(ENGINE_SEARCH) == false && engine.equals(ENGINE_EXACT) == false) {
                    throw new IllegalArgumentException("[engine] must be [search] or [exact], got [" + engine + "]");
                }
                for (String key : query == null ? Set.<String>of() : query.keySet()) {
                    if (QUERY_KEYS.contains(key) == false) {
                        throw new IllegalArgumentException("unknown key [" + key + "] in [query]; [field] and the query vector are set by the "
                            + "evaluation; expected one of " + QUERY_KEYS.stream().sorted().toList());
                    }
                }
                if (template != null && (query != null || rescore != null || retriever != null)) {
                    throw new IllegalArgumentException("[template] is a whole search body; it excludes [query], [rescore] and [retriever]");
                }
                if (rescore != null && retriever != null) {
                    throw new IllegalArgumentException("[rescore] and [retriever] cannot be combined (a search with a retriever has no rescore "
                        + "section)");
                }
                if (template != null && containsPlaceholder(template) == false) {
                    throw new IllegalArgumentException("[template] must contain [" + QUERY_VECTOR_PLACEHOLDER + "] or ["
                        + QUERY_DOCUMENT_PLACEHOLDER + "] as a value");
                }
                if (engine.equals(ENGINE_EXACT) && (query != null || rescore != null || retriever != null || template != null)) {
                    throw new IllegalArgumentException("[engine] [exact] scores every document by brute force; [query], [rescore], "
                        + "[retriever] and [template] belong to [engine] [search]");
                }
                if (depth != null && depth < 1) {
                    throw new IllegalArgumentException("[depth] must be at least 1, got [" + depth + "]");
                }
                if (depth != null && engine.equals(ENGINE_EXACT)) {
                    throw new IllegalArgumentException("[depth] applies to [engine] [search]; [exact] always ranks the whole index");
                }
                if (record && name == null) {
                    throw new IllegalArgumentException("[record] needs a [name] for the run (the configuration's label in comparisons)");
                }
                return new Options(groundTruth, protocol, field, engine, query, rescore, retriever, template, depth, ks, queries.index,
                    queries.field, name, record);
            }
        }

        private static final Kind<Options> KIND = new Kind<>(b -> BODY.parse(b).check(), "{\"ground_truth\": ..., \"field\": ...}",
            PROGRESS, (index, o) -> "retrieval_eval [" + index + "][" + o.field() + "] ground_truth [" + o.groundTruth() + "] engine ["
                + o.engine() + "]" + (o.name() == null ? "" : " name [" + o.name() + "]"));

        /**
         * Parses and validates a request body.
         *
         * @throws IllegalArgumentException (400) naming the offending key
         */
        public Request(String index, Map<String, Object> body) {
            super(KIND, index, body == null ? null : new LinkedHashMap<>(body));
        }

        public Request(StreamInput in) throws IOException {
            super(KIND, in);
        }

        /** {@code ks}: distinct integers >= 1, sorted. */
        private static int[] ks(String key, Object k) {
            if (k instanceof List<?> == false) {
                throw new IllegalArgumentException("[ks] must be an array of integers, got [" + k + "]");
            }
            List<?> list = (List<?>) k;
            int[] values = new int[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = JobBody.INTEGER.read(key, list.get(i));
                if (values[i] < 1) {
                    throw new IllegalArgumentException("[ks] must hold integers >= 1, got [" + list.get(i) + "]");
                }
            }
            Arrays.sort(values);
            for (int i = 1; i < values.length; i++) {
                if (values[i] == values[i - 1]) {
                    throw new IllegalArgumentException("[ks] lists [" + values[i] + "] twice");
                }
            }
            return values;
        }

        private static boolean containsPlaceholder(Object value) {
            if (value instanceof String s) {
                return s.equals(QUERY_VECTOR_PLACEHOLDER) || s.equals(QUERY_DOCUMENT_PLACEHOLDER);
            }
            if (value instanceof Map<?, ?> map) {
                return map.values().stream().anyMatch(Request::containsPlaceholder);
            }
            if (value instanceof List<?> list) {
                return list.stream().anyMatch(Request::containsPlaceholder);
            }
            return false;
        }

        public String index() {
            return target();
        }

        /** The evaluated index and, when given, the index of the query documents: security authorizes {@code read} on both. */
        @Override
        public String[] indices() {
            String queriesIndex = options().queriesIndex();
            return queriesIndex == null || queriesIndex.equals(index()) ? new String[] { index() } : new String[] { index(), queriesIndex };
        }

        @Override
        public IndicesOptions indicesOptions() {
            return IndicesOptions.STRICT_EXPAND_OPEN_FORBID_CLOSED;
        }
    }

    /** Keys of the request kept in a summary, for listings. */
    static List<String> summaryKeys() {
        return new ArrayList<>(List.of("run_id", "name", "index", "ground_truth", "protocol", "engine", "overall", "subsets", "took_ms"));
    }
}
