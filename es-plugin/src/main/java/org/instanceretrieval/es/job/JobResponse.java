package org.instanceretrieval.es.job;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of a job that answers a JSON object: the object's keys and values (strings, numbers, booleans, nulls, lists and
 * maps of them), written in the order given, on the wire and in the REST response or the stored task result. Immutable.
 * Also the answer of the short actions that answer such an object (the eval runs list and comparison).
 */
public final class JobResponse extends ActionResponse implements ToXContentObject {

    private final LinkedHashMap<String, Object> result;

    public JobResponse(Map<String, Object> result) {
        this.result = new LinkedHashMap<>(result);
    }

    public JobResponse(StreamInput in) throws IOException {
        this(in.readGenericMap());
    }

    /** The JSON object {@code object} writes, as a result. */
    public static JobResponse of(ToXContentObject object) throws IOException {
        return new JobResponse(XContentHelper.convertToMap(XContentHelper.toXContent(object, XContentType.JSON, false), true,
            XContentType.JSON).v2());
    }

    /** The result object. */
    public Map<String, Object> result() {
        return Collections.unmodifiableMap(result);
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
