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
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.whitening.LearnWhiteningTask;
import org.instanceretrieval.es.whitening.StoredWhitening;
import org.instanceretrieval.es.whitening.WhiteningMethod;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code POST _retrieval/whitening/{whitening_id}/_learn}: learns a PCA whitening from the
 * vectors of a {@code dense_vector} field, or a learned whitening (Lw) from matching pairs of
 * document ids, and stores it under a new id. Runs as a cancellable task. Action name under
 * {@code cluster:admin/} ({@code manage} privilege); reading the source index needs the
 * caller's own {@code read} privilege on it.
 */
public final class LearnWhiteningAction {

    public static final String NAME = "cluster:admin/retrieval/whitening/learn";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    /** Default cap on the number of vectors a PCA whitening is learned from. */
    public static final int DEFAULT_MAX_SAMPLES = 100_000;
    /** Largest {@code max_samples} accepted. */
    public static final int MAX_MAX_SAMPLES = 1_000_000;
    /** Largest number of pairs accepted for Lw. */
    public static final int MAX_PAIRS = 100_000;

    private LearnWhiteningAction() {}

    /**
     * A validated learn request. {@code dimensions} 0 means all; {@code power}, {@code shrinkage}
     * and {@code maxSamples} apply to PCA only, {@code pairs} to Lw only.
     */
    public static final class Request extends ActionRequest {
        private final String whiteningId;
        private final WhiteningMethod method;
        private final String index;
        private final String field;
        private final int dimensions;
        private final double power;
        private final double shrinkage;
        private final int maxSamples;
        private final List<String[]> pairs;
        private boolean shouldStoreResult;

        public Request(
            String whiteningId,
            WhiteningMethod method,
            String index,
            String field,
            int dimensions,
            double power,
            double shrinkage,
            int maxSamples,
            List<String[]> pairs
        ) {
            this.whiteningId = whiteningId;
            this.method = Objects.requireNonNull(method);
            this.index = index;
            this.field = field;
            this.dimensions = dimensions;
            this.power = power;
            this.shrinkage = shrinkage;
            this.maxSamples = maxSamples;
            this.pairs = List.copyOf(pairs);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            this.whiteningId = in.readString();
            this.method = in.readEnum(WhiteningMethod.class);
            this.index = in.readString();
            this.field = in.readString();
            this.dimensions = in.readVInt();
            this.power = in.readDouble();
            this.shrinkage = in.readDouble();
            this.maxSamples = in.readVInt();
            this.pairs = in.readCollectionAsList(StreamInput::readStringArray);
            this.shouldStoreResult = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(whiteningId);
            out.writeEnum(method);
            out.writeString(index);
            out.writeString(field);
            out.writeVInt(dimensions);
            out.writeDouble(power);
            out.writeDouble(shrinkage);
            out.writeVInt(maxSamples);
            out.writeCollection(pairs, StreamOutput::writeStringArray);
            out.writeBoolean(shouldStoreResult);
        }

        /**
         * Parses and validates a request body.
         *
         * @throws IllegalArgumentException (400) naming the offending field
         */
        public static Request parse(String whiteningId, Map<String, Object> body) {
            ModelIds.validate("whitening_id", whiteningId);
            if (body == null || body.isEmpty()) {
                throw new IllegalArgumentException("a request body is required: {\"method\": \"pca\" | \"lw\", \"index\": ..., \"field\": ...}");
            }
            Set<String> known = Set.of("method", "index", "field", "dimensions", "power", "shrinkage", "max_samples", "pairs");
            for (String key : body.keySet()) {
                if (known.contains(key) == false) {
                    throw new IllegalArgumentException("unknown field [" + key + "]; known fields are " + new java.util.TreeSet<>(known));
                }
            }
            WhiteningMethod method = WhiteningMethod.fromId(requiredString(body, "method"));
            String index = requiredString(body, "index");
            String field = requiredString(body, "field");
            int dimensions = 0;
            if (body.get("dimensions") != null) {
                dimensions = integer(body, "dimensions");
                if (dimensions < 1) {
                    throw new IllegalArgumentException("[dimensions] must be at least 1, got [" + dimensions + "]");
                }
            }
            double power = 0.5;
            double shrinkage = 0;
            int maxSamples = DEFAULT_MAX_SAMPLES;
            List<String[]> pairs = List.of();
            if (method == WhiteningMethod.PCA) {
                if (body.containsKey("pairs")) {
                    throw new IllegalArgumentException("[pairs] applies to method [lw] only");
                }
                if (body.get("power") != null) {
                    power = number(body, "power");
                    if ((power > 0 && power <= 1) == false) {
                        throw new IllegalArgumentException("[power] must be in (0, 1], got [" + power + "]");
                    }
                }
                if (body.get("shrinkage") != null) {
                    shrinkage = number(body, "shrinkage");
                    if ((shrinkage >= 0 && Double.isFinite(shrinkage)) == false) {
                        throw new IllegalArgumentException("[shrinkage] must be finite and >= 0, got [" + shrinkage + "]");
                    }
                }
                if (body.get("max_samples") != null) {
                    maxSamples = integer(body, "max_samples");
                    if (maxSamples < 1 || maxSamples > MAX_MAX_SAMPLES) {
                        throw new IllegalArgumentException("[max_samples] must be in [1, " + MAX_MAX_SAMPLES + "], got [" + maxSamples + "]");
                    }
                }
            } else {
                for (String pcaOnly : List.of("power", "shrinkage", "max_samples")) {
                    if (body.containsKey(pcaOnly)) {
                        throw new IllegalArgumentException("[" + pcaOnly + "] applies to method [pca] only");
                    }
                }
                pairs = parsePairs(body.get("pairs"));
            }
            return new Request(whiteningId, method, index, field, dimensions, power, shrinkage, maxSamples, pairs);
        }

        private static List<String[]> parsePairs(Object value) {
            if (value == null) {
                throw new IllegalArgumentException("[pairs] is required for method [lw]: [[\"query_id\", \"positive_id\"], ...]");
            }
            if (!(value instanceof List<?> list)) {
                throw new IllegalArgumentException("[pairs] must be an array of [query_id, positive_id] pairs, got [" + value + "]");
            }
            if (list.isEmpty() || list.size() > MAX_PAIRS) {
                throw new IllegalArgumentException("[pairs] must hold 1 to " + MAX_PAIRS + " pairs, got [" + list.size() + "]");
            }
            List<String[]> pairs = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String q && pair.get(1) instanceof String p
                    && q.isEmpty() == false && p.isEmpty() == false) {
                    if (q.equals(p)) {
                        // its difference is zero: it teaches the whitening nothing
                        throw new IllegalArgumentException("[pairs][" + i + "] names document [" + q + "] twice: a pair is a query and a "
                            + "different document that matches it");
                    }
                    pairs.add(new String[] { q, p });
                } else {
                    throw new IllegalArgumentException("[pairs][" + i + "] must be two document ids [query_id, positive_id], got [" + list.get(i)
                        + "]");
                }
            }
            return pairs;
        }

        private static String requiredString(Map<String, Object> body, String name) {
            Object value = body.get(name);
            if (value == null) {
                throw new IllegalArgumentException("[" + name + "] is required");
            }
            if (!(value instanceof String s) || s.isEmpty()) {
                throw new IllegalArgumentException("[" + name + "] must be a non-empty string, got [" + value + "]");
            }
            return s;
        }

        private static int integer(Map<String, Object> body, String name) {
            Object value = body.get(name);
            if (value instanceof Integer i) {
                return i;
            }
            if (value instanceof Long l && l == (int) (long) l) {
                return (int) (long) l;
            }
            throw new IllegalArgumentException("[" + name + "] must be an integer, got [" + value + "]");
        }

        private static double number(Map<String, Object> body, String name) {
            if (body.get(name) instanceof Number n) {
                return n.doubleValue();
            }
            throw new IllegalArgumentException("[" + name + "] must be a number, got [" + body.get(name) + "]");
        }

        public String whiteningId() {
            return whiteningId;
        }

        public WhiteningMethod method() {
            return method;
        }

        public String index() {
            return index;
        }

        public String field() {
            return field;
        }

        /** Requested output dimensions, 0 for all. */
        public int dimensions() {
            return dimensions;
        }

        public double power() {
            return power;
        }

        public double shrinkage() {
            return shrinkage;
        }

        public int maxSamples() {
            return maxSamples;
        }

        /** The pairs {@code [query_id, positive_id]} (Lw), empty for PCA. */
        public List<String[]> pairs() {
            return pairs;
        }

        /** The distinct document ids named by the pairs, in order of first appearance. */
        public List<String> pairDocumentIds() {
            Set<String> seen = new java.util.LinkedHashSet<>();
            for (String[] pair : pairs) {
                seen.add(pair[0]);
                seen.add(pair[1]);
            }
            return new ArrayList<>(seen);
        }

        /** Asks the task manager to store the result in {@code .tasks} (set for {@code wait_for_completion=false}). */
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
            if (ModelIds.isValid(whiteningId) == false) {
                e = addValidationError("invalid [whitening_id] [" + whiteningId + "]", e);
            }
            if (index == null || index.isEmpty()) {
                e = addValidationError("[index] is required", e);
            }
            if (field == null || field.isEmpty()) {
                e = addValidationError("[field] is required", e);
            }
            if (method == WhiteningMethod.LW && pairs.isEmpty()) {
                e = addValidationError("[pairs] is required for method [lw]", e);
            }
            return e;
        }

        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new LearnWhiteningTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return "learn " + method.id() + " whitening [" + whiteningId + "] from [" + index + "][" + field + "]";
        }
    }

    /** The stored whitening's metadata. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final StoredWhitening whitening;

        public Response(StoredWhitening whitening) {
            this.whitening = Objects.requireNonNull(whitening);
        }

        public Response(StreamInput in) throws IOException {
            this.whitening = StoredWhitening.readFrom(in);
        }

        public StoredWhitening whitening() {
            return whitening;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            whitening.writeTo(out);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return whitening.toXContent(builder, params);
        }
    }

}
