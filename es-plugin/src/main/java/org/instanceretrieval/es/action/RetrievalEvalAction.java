package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.IndicesRequest;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.eval.EvalTask;

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
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    public static final String ENGINE_SEARCH = "search";
    public static final String ENGINE_EXACT = "exact";

    private RetrievalEvalAction() {}

    /** A parsed and validated evaluation request; {@link #body()} is the request as given (the run's configuration). */
    public static final class Request extends ActionRequest implements IndicesRequest {
        private static final Set<String> KEYS = Set.of("ground_truth", "protocol", "field", "engine", "query", "rescore", "retriever",
            "template", "depth", "ks", "queries", "name", "record");
        private static final Set<String> QUERY_KEYS = Set.of("k", "num_candidates", "expansion", "exact", "similarity", "filter");
        public static final String QUERY_VECTOR_PLACEHOLDER = "{{query_vector}}";
        public static final String QUERY_DOCUMENT_PLACEHOLDER = "{{query_document}}";

        private String index;
        private Map<String, Object> body;
        private String groundTruth;
        private String protocol;
        private String field;
        private String engine;
        private Map<String, Object> query;
        private Map<String, Object> rescore;
        private Map<String, Object> retriever;
        private Map<String, Object> template;
        private Integer depth;
        private int[] ks;
        private String queriesIndex;
        private String queriesField;
        private String name;
        private boolean record;
        private boolean shouldStoreResult;

        private Request(String index, Map<String, Object> body) {
            init(index, body);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            init(in.readString(), in.readGenericMap());
            this.shouldStoreResult = in.readBoolean();
        }

        /** Parses {@code body}; shared by both constructors so that a request read from the wire is validated alike. */
        private void init(String index, Map<String, Object> body) {
            this.index = index;
            this.body = body;
            for (String key : body.keySet()) {
                if (KEYS.contains(key) == false) {
                    throw new IllegalArgumentException("unknown key [" + key + "] in _retrieval_eval request; expected one of "
                        + KEYS.stream().sorted().toList());
                }
            }
            this.groundTruth = requiredString(body, "ground_truth");
            this.protocol = optionalString(body, "protocol");
            this.field = requiredString(body, "field");
            String e = optionalString(body, "engine");
            this.engine = e == null ? ENGINE_SEARCH : e;
            if (engine.equals(ENGINE_SEARCH) == false && engine.equals(ENGINE_EXACT) == false) {
                throw new IllegalArgumentException("[engine] must be [search] or [exact], got [" + engine + "]");
            }
            this.query = optionalObject(body, "query");
            this.rescore = optionalObject(body, "rescore");
            this.retriever = optionalObject(body, "retriever");
            this.template = optionalObject(body, "template");
            if (query != null) {
                for (String key : query.keySet()) {
                    if (QUERY_KEYS.contains(key) == false) {
                        throw new IllegalArgumentException("unknown key [" + key + "] in [query]; [field] and the query vector are set by the "
                            + "evaluation; expected one of " + QUERY_KEYS.stream().sorted().toList());
                    }
                }
            }
            if (template != null && (query != null || rescore != null || retriever != null)) {
                throw new IllegalArgumentException("[template] is a whole search body; it excludes [query], [rescore] and [retriever]");
            }
            if (rescore != null && retriever != null) {
                throw new IllegalArgumentException("[rescore] and [retriever] cannot be combined (a search with a retriever has no rescore section)");
            }
            if (template != null && containsPlaceholder(template) == false) {
                throw new IllegalArgumentException("[template] must contain [" + QUERY_VECTOR_PLACEHOLDER + "] or [" + QUERY_DOCUMENT_PLACEHOLDER
                    + "] as a value");
            }
            if (engine.equals(ENGINE_EXACT) && (query != null || rescore != null || retriever != null || template != null)) {
                throw new IllegalArgumentException("[engine] [exact] scores every document by brute force; [query], [rescore], [retriever] "
                    + "and [template] belong to [engine] [search]");
            }
            Object d = body.get("depth");
            if (d != null) {
                int value = integer("depth", d);
                if (value < 1) {
                    throw new IllegalArgumentException("[depth] must be at least 1, got [" + d + "]");
                }
                if (engine.equals(ENGINE_EXACT)) {
                    throw new IllegalArgumentException("[depth] applies to [engine] [search]; [exact] always ranks the whole index");
                }
                this.depth = value;
            } else {
                this.depth = null;
            }
            Object k = body.get("ks");
            if (k != null) {
                if (k instanceof List<?> == false) {
                    throw new IllegalArgumentException("[ks] must be an array of integers, got [" + k + "]");
                }
                List<?> list = (List<?>) k;
                int[] values = new int[list.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = integer("ks", list.get(i));
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
                this.ks = values;
            } else {
                this.ks = null;
            }
            Map<String, Object> queries = optionalObject(body, "queries");
            if (queries != null) {
                for (String key : queries.keySet()) {
                    if (key.equals("index") == false && key.equals("field") == false) {
                        throw new IllegalArgumentException("unknown key [" + key + "] in [queries]; expected [field], [index]");
                    }
                }
                this.queriesIndex = optionalString(queries, "index");
                this.queriesField = optionalString(queries, "field");
            } else {
                this.queriesIndex = null;
                this.queriesField = null;
            }
            this.name = optionalString(body, "name");
            Object r = body.get("record");
            if (r != null && r instanceof Boolean == false) {
                throw new IllegalArgumentException("[record] must be true or false, got [" + r + "]");
            }
            this.record = Boolean.TRUE.equals(r);
            if (record && name == null) {
                throw new IllegalArgumentException("[record] needs a [name] for the run (the configuration's label in comparisons)");
            }
        }

        /**
         * Parses and validates a request body.
         *
         * @throws IllegalArgumentException (400) naming the offending key
         */
        public static Request parse(String index, Map<String, Object> body) {
            if (body == null || body.isEmpty()) {
                throw new IllegalArgumentException("a request body is required: {\"ground_truth\": ..., \"field\": ...}");
            }
            return new Request(index, new LinkedHashMap<>(body));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(index);
            out.writeGenericMap(body);
            out.writeBoolean(shouldStoreResult);
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

        private static int integer(String key, Object value) {
            if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
                return n.intValue();
            }
            throw new IllegalArgumentException("[" + key + "] must be an integer, got [" + value + "]");
        }

        private static String requiredString(Map<String, Object> body, String key) {
            String value = optionalString(body, key);
            if (value == null) {
                throw new IllegalArgumentException("[" + key + "] is required");
            }
            return value;
        }

        private static String optionalString(Map<String, Object> body, String key) {
            Object value = body.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof String s && s.isEmpty() == false) {
                return s;
            }
            throw new IllegalArgumentException("[" + key + "] must be a non-empty string, got [" + value + "]");
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> optionalObject(Map<String, Object> body, String key) {
            Object value = body.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
            throw new IllegalArgumentException("[" + key + "] must be an object, got [" + value + "]");
        }

        public String index() {
            return index;
        }

        /** The request body as given: recorded as the run's configuration. */
        public Map<String, Object> body() {
            return body;
        }

        public String groundTruth() {
            return groundTruth;
        }

        /** The requested protocol, or null for the ground truth's default. */
        public String protocol() {
            return protocol;
        }

        public String field() {
            return field;
        }

        public String engine() {
            return engine;
        }

        public Map<String, Object> query() {
            return query;
        }

        public Map<String, Object> rescore() {
            return rescore;
        }

        public Map<String, Object> retriever() {
            return retriever;
        }

        public Map<String, Object> template() {
            return template;
        }

        /** The requested depth, or null for the full ranking. */
        public Integer depth() {
            return depth;
        }

        /** The requested cut-offs (ascending), or null for the protocol's default. */
        public int[] ks() {
            return ks == null ? null : ks.clone();
        }

        /** Index of the query documents, or null for this index. */
        public String queriesIndex() {
            return queriesIndex;
        }

        /** Vector field of the query documents, or null for {@link #field()}. */
        public String queriesField() {
            return queriesField;
        }

        public String name() {
            return name;
        }

        public boolean record() {
            return record;
        }

        public void setShouldStoreResult(boolean shouldStoreResult) {
            this.shouldStoreResult = shouldStoreResult;
        }

        @Override
        public boolean getShouldStoreResult() {
            return shouldStoreResult;
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        /** The evaluated index and, when given, the index of the query documents: security authorizes {@code read} on both. */
        @Override
        public String[] indices() {
            return queriesIndex == null || queriesIndex.equals(index) ? new String[] { index } : new String[] { index, queriesIndex };
        }

        @Override
        public IndicesOptions indicesOptions() {
            return IndicesOptions.STRICT_EXPAND_OPEN_FORBID_CLOSED;
        }

        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new EvalTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return "retrieval_eval [" + index + "][" + field + "] ground_truth [" + groundTruth + "] engine [" + engine + "]"
                + (name == null ? "" : " name [" + name + "]");
        }
    }

    /** The evaluation's result document (see docs/api.md); the same map is recorded as the run's summary. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final Map<String, Object> result;

        public Response(Map<String, Object> result) {
            this.result = result;
        }

        public Response(StreamInput in) throws IOException {
            this.result = in.readGenericMap();
        }

        public Map<String, Object> result() {
            return result;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeGenericMap(result);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.map(result);
        }
    }

    /** Keys of the request kept in a summary, for listings. */
    static List<String> summaryKeys() {
        return new ArrayList<>(List.of("run_id", "name", "index", "ground_truth", "protocol", "engine", "overall", "subsets", "took_ms"));
    }
}
