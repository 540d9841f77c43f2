package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.OfflineDiffusion;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.diffusion.DiffusionParameters;
import org.instanceretrieval.es.diffusion.OfflineDiffusionTask;
import org.instanceretrieval.es.diffusion.WindowDiffusion;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST {index}/_retrieval/diffusion/_build}: precomputes offline diffusion (Yang et al.)
 * over every vector of a field of one index and stores it (see {@code TransportBuildOfflineDiffusionAction}).
 */
public final class BuildOfflineDiffusionAction {

    public static final String NAME = "cluster:admin/retrieval/diffusion/build";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private BuildOfflineDiffusionAction() {}

    /** A validated build request: index, field, k, gamma, alpha, n_trunc, max_iterations, tolerance. */
    public static final class Request extends ActionRequest {
        private static final Set<String> KEYS = Set.of("field", "k", "gamma", "alpha", "n_trunc", "max_iterations", "tolerance");

        private final String index;
        private final String field;
        private final DiffusionParameters parameters;
        private final int nTrunc;
        private boolean shouldStoreResult;

        /** @throws IllegalArgumentException naming the first bad option */
        public Request(String index, String field, DiffusionParameters parameters, int nTrunc) {
            if (field == null || field.isEmpty()) {
                throw new IllegalArgumentException("[diffusion build] requires [field]");
            }
            if (nTrunc < 1 || nTrunc > WindowDiffusion.MAX_WINDOW) {
                throw new IllegalArgumentException("[diffusion build] [n_trunc] must be in [1, " + WindowDiffusion.MAX_WINDOW + "] but was ["
                    + nTrunc + "]");
            }
            this.index = index;
            this.field = field;
            this.parameters = parameters;
            this.nTrunc = nTrunc;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.index = in.readString();
            this.field = in.readString();
            this.parameters = new DiffusionParameters(in);
            this.nTrunc = in.readVInt();
            this.shouldStoreResult = in.readBoolean();
        }

        /**
         * Parses the body {@code {"field", "k", "gamma", "alpha", "n_trunc", "max_iterations", "tolerance"}}.
         *
         * @throws IllegalArgumentException on an unknown key, a wrong type or a value out of range
         */
        public static Request parse(String index, Map<String, Object> body) {
            for (String key : body.keySet()) {
                if (KEYS.contains(key) == false) {
                    throw new IllegalArgumentException("[diffusion build] unknown field [" + key + "]");
                }
            }
            Map<String, Object> b = new HashMap<>(body);
            Object field = b.get("field");
            if (field != null && field instanceof String == false) {
                throw new IllegalArgumentException("[diffusion build] [field] must be a string");
            }
            DiffusionParameters parameters = new DiffusionParameters("diffusion build", intOf(b, "k", GraphParameters.DEFAULT_K),
                doubleOf(b, "gamma", GraphParameters.DEFAULT_GAMMA), doubleOf(b, "alpha", ConjugateGradient.DEFAULT_ALPHA),
                QueryWeighting.DEFAULT_KQ, intOf(b, "max_iterations", ConjugateGradient.DEFAULT_MAX_ITERATIONS),
                doubleOf(b, "tolerance", ConjugateGradient.DEFAULT_TOLERANCE));
            return new Request(index, (String) field, parameters, intOf(b, "n_trunc", OfflineDiffusion.DEFAULT_N_TRUNC));
        }

        private static int intOf(Map<String, Object> body, String key, int fallback) {
            Object v = body.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Integer i) {
                return i;
            }
            throw new IllegalArgumentException("[diffusion build] [" + key + "] must be an integer but was [" + v + "]");
        }

        private static double doubleOf(Map<String, Object> body, String key, double fallback) {
            Object v = body.get(key);
            if (v == null) {
                return fallback;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw new IllegalArgumentException("[diffusion build] [" + key + "] must be a number but was [" + v + "]");
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(index);
            out.writeString(field);
            parameters.writeTo(out);
            out.writeVInt(nTrunc);
            out.writeBoolean(shouldStoreResult);
        }

        /** Stores the result in the tasks index, for {@code wait_for_completion=false}. */
        public void setShouldStoreResult(boolean shouldStoreResult) {
            this.shouldStoreResult = shouldStoreResult;
        }

        @Override
        public boolean getShouldStoreResult() {
            return shouldStoreResult;
        }

        @Override
        public ActionRequestValidationException validate() {
            return null; // validated on construction
        }

        public String index() {
            return index;
        }

        public String field() {
            return field;
        }

        public DiffusionParameters parameters() {
            return parameters;
        }

        public int nTrunc() {
            return nTrunc;
        }

        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new OfflineDiffusionTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return "offline diffusion build [" + index + "][" + field + "] k=" + parameters.k() + " gamma=" + parameters.gamma()
                + " alpha=" + parameters.alpha() + " n_trunc=" + nTrunc;
        }
    }

    /** The stored build: index, field, items, stored entries, options, and the time taken. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String index;
        private final String field;
        private final int items;
        private final long storedEntries;
        private final long docsWithoutField;
        private final long tookMillis;

        public Response(String index, String field, int items, long storedEntries, long docsWithoutField, long tookMillis) {
            this.index = index;
            this.field = field;
            this.items = items;
            this.storedEntries = storedEntries;
            this.docsWithoutField = docsWithoutField;
            this.tookMillis = tookMillis;
        }

        public Response(StreamInput in) throws IOException {
            this(in.readString(), in.readString(), in.readVInt(), in.readVLong(), in.readVLong(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(index);
            out.writeString(field);
            out.writeVInt(items);
            out.writeVLong(storedEntries);
            out.writeVLong(docsWithoutField);
            out.writeVLong(tookMillis);
        }

        public int items() {
            return items;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                .field("index", index)
                .field("field", field)
                .field("items", items)
                .field("stored_entries", storedEntries)
                .field("docs_without_field", docsWithoutField)
                .field("took_ms", tookMillis)
                .endObject();
        }
    }
}
