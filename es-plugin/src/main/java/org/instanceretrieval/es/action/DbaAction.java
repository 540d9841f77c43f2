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
import org.instanceretrieval.es.dba.DbaTask;
import org.instanceretrieval.expansion.DatabaseAugmentation;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code POST {index}/_retrieval/dba}: alpha-DBA over the whole index. Reads every vector of
 * {@code field}, replaces each by the L2-normalised sum of its top {@code n} neighbours (itself
 * included) weighted by {@code max(s, 0)^alpha}, and writes the result to {@code target_field}.
 * Runs as a cancellable task. Action name under {@code cluster:admin/} ({@code manage}); the
 * reads, updates and the {@code _meta} marker run with the caller's own privileges on the index.
 */
public final class DbaAction {

    public static final String NAME = "cluster:admin/retrieval/dba";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    /** Largest {@code n} accepted. */
    public static final int MAX_NEIGHBOURS = 1000;

    private DbaAction() {}

    /** A validated DBA request. */
    public static final class Request extends ActionRequest {
        private static final Set<String> KEYS = Set.of("field", "target_field", "n", "alpha");

        private final String index;
        private final String field;
        private final String targetField;
        private final int neighbours;
        private final float alpha;
        private boolean shouldStoreResult;

        public Request(String index, String field, String targetField, int neighbours, float alpha) {
            this.index = index;
            this.field = field;
            this.targetField = targetField;
            this.neighbours = neighbours;
            this.alpha = alpha;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.index = in.readString();
            this.field = in.readString();
            this.targetField = in.readString();
            this.neighbours = in.readVInt();
            this.alpha = in.readFloat();
            this.shouldStoreResult = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(index);
            out.writeString(field);
            out.writeString(targetField);
            out.writeVInt(neighbours);
            out.writeFloat(alpha);
            out.writeBoolean(shouldStoreResult);
        }

        /**
         * Parses and validates a request body.
         *
         * @throws IllegalArgumentException (400) naming the offending key
         */
        public static Request parse(String index, Map<String, Object> body) {
            if (body == null || body.isEmpty()) {
                throw new IllegalArgumentException("a request body is required: {\"field\": ..., \"target_field\": ...}");
            }
            for (String key : body.keySet()) {
                if (KEYS.contains(key) == false) {
                    throw new IllegalArgumentException("unknown key [" + key + "] in DBA request; expected one of " + KEYS.stream().sorted().toList());
                }
            }
            String field = requiredString(body, "field");
            String target = requiredString(body, "target_field");
            if (field.equals(target)) {
                throw new IllegalArgumentException("[target_field] must differ from [field], both are [" + field + "]");
            }
            int n = DatabaseAugmentation.DEFAULT_NEIGHBOURS;
            if (body.containsKey("n")) {
                if (body.get("n") instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
                    double v = num.doubleValue();
                    if (v < 1 || v > MAX_NEIGHBOURS) {
                        throw new IllegalArgumentException("[n] must be in [1, " + MAX_NEIGHBOURS + "], got [" + num + "]");
                    }
                    n = (int) v;
                } else {
                    throw new IllegalArgumentException("[n] must be an integer, got [" + body.get("n") + "]");
                }
            }
            float alpha = 0f;
            if (body.containsKey("alpha")) {
                if (body.get("alpha") instanceof Number num) {
                    alpha = num.floatValue();
                    if (Float.isFinite(alpha) == false || alpha < 0) {
                        throw new IllegalArgumentException("[alpha] must be a finite number >= 0, got [" + num + "]");
                    }
                } else {
                    throw new IllegalArgumentException("[alpha] must be a number, got [" + body.get("alpha") + "]");
                }
            }
            return new Request(index, field, target, n, alpha);
        }

        private static String requiredString(Map<String, Object> body, String key) {
            Object value = body.get(key);
            if (value == null) {
                throw new IllegalArgumentException("[" + key + "] is required");
            }
            if (value instanceof String s && s.isEmpty() == false) {
                return s;
            }
            throw new IllegalArgumentException("[" + key + "] must be a non-empty string, got [" + value + "]");
        }

        public String index() {
            return index;
        }

        public String field() {
            return field;
        }

        public String targetField() {
            return targetField;
        }

        public int neighbours() {
            return neighbours;
        }

        public float alpha() {
            return alpha;
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
            ActionRequestValidationException e = null;
            if (index == null || index.isEmpty()) {
                e = addValidationError("[index] is required", e);
            }
            if (neighbours < 1 || neighbours > MAX_NEIGHBOURS) {
                e = addValidationError("[n] must be in [1, " + MAX_NEIGHBOURS + "]", e);
            }
            if (Float.isFinite(alpha) == false || alpha < 0) {
                e = addValidationError("[alpha] must be a finite number >= 0", e);
            }
            return e;
        }

        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new DbaTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return "dba [" + index + "][" + field + "] -> [" + targetField + "] n=" + neighbours + " alpha=" + alpha;
        }
    }

    /** The outcome of a finished job: the index's {@code retrieval_dba} marker plus skipped documents. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String index;
        private final Map<String, Object> marker;
        private final long skipped;

        public Response(String index, Map<String, Object> marker, long skipped) {
            this.index = index;
            this.marker = Map.copyOf(marker);
            this.skipped = skipped;
        }

        public Response(StreamInput in) throws IOException {
            this.index = in.readString();
            this.marker = in.readGenericMap();
            this.skipped = in.readVLong();
        }

        public Map<String, Object> marker() {
            return marker;
        }

        public long skipped() {
            return skipped;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(index);
            out.writeGenericMap(marker);
            out.writeVLong(skipped);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject().field("index", index);
            for (String key : new String[] { "field", "target_field", "n", "alpha", "state", "completed_at", "doc_count" }) {
                builder.field(key, marker.get(key));
            }
            return builder.field("docs_without_field", skipped).endObject();
        }
    }
}
