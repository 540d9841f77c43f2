package org.instanceretrieval.es.groundtruth;

import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.es.store.StoredItemRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.eval.format.GroundTruthFormat;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code PUT _retrieval/ground_truth/{ground_truth_id}}: parses ground truth given in one of the
 * {@link GroundTruthFormat}s (inline {@code data} or a {@code path} under the config directory
 * of the node that receives the request), validates it and stores its canonical form under a
 * new id (409 if the id exists). With the URL parameter {@code index}, also reports which of its
 * image names that index lacks. Action name under {@code cluster:admin/} ({@code manage}).
 */
public final class PutGroundTruthAction {

    public static final String NAME = "cluster:admin/retrieval/ground_truth/put";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private PutGroundTruthAction() {}

    private static final Set<String> KNOWN = Set.of("format", "data", "path", "id_field", "protocol");

    /** Requests name the ground truth by {@code ground_truth_id}. */
    public static final StoredItemRequest.Id ID = new StoredItemRequest.Id("ground_truth_id", false);

    /**
     * What to store: the {@code format}, inline {@code data} as parsed from JSON (Map, List, String) or a {@code path}, the
     * {@code idField} (the default when null), the {@code protocol} overriding the format's (or null), and the index whose
     * missing names to report ({@code checkIndex}, or null).
     */
    public record Params(String format, Object data, String path, String idField, String protocol, String checkIndex)
        implements RequestParams {

        public Params {
            idField = idField == null ? StoredGroundTruth.DEFAULT_ID_FIELD : idField;
        }

        Params(StreamInput in) throws IOException {
            this(in.readString(), in.readGenericValue(), in.readOptionalString(), in.readString(), in.readOptionalString(),
                in.readOptionalString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(format);
            out.writeGenericValue(data);
            out.writeOptionalString(path);
            out.writeString(idField);
            out.writeOptionalString(protocol);
            out.writeOptionalString(checkIndex);
        }
    }

    /**
     * Reads a request body; the data itself is parsed by the transport action.
     *
     * @throws IllegalArgumentException (400) naming an unknown, missing or mistyped field
     */
    public static StoredItemRequest<Params> parse(String id, Map<String, Object> body, String checkIndex) {
        ModelIds.validate("ground_truth_id", id);
        if (body == null || body.isEmpty()) {
            throw new IllegalArgumentException("a request body is required: {\"format\": ..., \"data\": ... or \"path\": ...}");
        }
        for (String key : body.keySet()) {
            if (KNOWN.contains(key) == false) {
                throw new IllegalArgumentException("unknown field [" + key + "]; known fields are " + new TreeSet<>(KNOWN));
            }
        }
        String format = string(body, "format");
        if (format == null) {
            throw new IllegalArgumentException("[format] is required, one of " + GroundTruthFormat.ids());
        }
        GroundTruthFormat.fromId(format);
        Object data = body.get("data");
        String path = string(body, "path");
        if (data == null && path == null) {
            throw new IllegalArgumentException("missing data: give [data] (inline) or [path] (a file under the config directory)");
        }
        if (data != null && path != null) {
            throw new IllegalArgumentException("give one of [data] and [path], not both");
        }
        String idField = string(body, "id_field");
        if (idField != null && idField.isBlank()) {
            throw new IllegalArgumentException("[id_field] must not be blank");
        }
        return ID.request(id, new Params(format, data, path, idField, string(body, "protocol"), checkIndex));
    }

    private static String string(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException("[" + field + "] must be a string, got [" + value + "]");
    }

    /** The stored ground truth's metadata, and the missing-names report when an index was given. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final GroundTruthMetadata metadata;
        private final MissingNames missing;

        public Response(GroundTruthMetadata metadata, MissingNames missing) {
            this.metadata = metadata;
            this.missing = missing;
        }

        public Response(StreamInput in) throws IOException {
            this.metadata = GroundTruthMetadata.readFrom(in);
            this.missing = in.readOptionalWriteable(MissingNames::new);
        }

        public GroundTruthMetadata metadata() {
            return metadata;
        }

        public MissingNames missing() {
            return missing;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            metadata.writeTo(out);
            out.writeOptionalWriteable(missing);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("acknowledged", true);
            metadata.fields(builder);
            if (missing != null) {
                builder.field("missing", missing);
            }
            return builder.endObject();
        }
    }
}
