package org.instanceretrieval.es.job;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status of every long job of the plugin in the task APIs: {@code {"phase": "<phase>", "<counter>": n, ...}}, the counters in
 * the order the job declared them ({@link JobTask.Progress}). The one {@link Task.Status} of the plugin's jobs, registered once as
 * the named writeable {@value #NAME}. Immutable.
 *
 * @param phase    the job's current phase, lower case
 * @param counters the job's counters by name, in declared order
 */
public record JobStatus(String phase, Map<String, Long> counters) implements Task.Status {

    public static final String NAME = "retrieval_job";

    public JobStatus {
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    public JobStatus(StreamInput in) throws IOException {
        this(in.readString(), in.readOrderedMap(StreamInput::readString, StreamInput::readVLong));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(phase);
        out.writeMap(counters, StreamOutput::writeString, StreamOutput::writeVLong);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field("phase", phase);
        for (Map.Entry<String, Long> counter : counters.entrySet()) {
            builder.field(counter.getKey(), counter.getValue());
        }
        return builder.endObject();
    }
}
