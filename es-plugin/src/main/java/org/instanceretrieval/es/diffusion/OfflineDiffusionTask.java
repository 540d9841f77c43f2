package org.instanceretrieval.es.diffusion;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/**
 * The task of an offline diffusion build: cancellable (checked between pages read, before and
 * after the graph and the offline solves, and before storing), with a {@link Status} giving the
 * phase ({@code checking}, {@code reading}, {@code building}, {@code storing}) and the vectors read.
 */
public final class OfflineDiffusionTask extends CancellableTask {

    private volatile String phase = "checking";
    private volatile long read;

    public OfflineDiffusionTask(long id, String type, String action, String description, TaskId parentTaskId, Map<String, String> headers) {
        super(id, type, action, description, parentTaskId, headers);
    }

    public void phase(String phase) {
        this.phase = phase;
    }

    public void read(long read) {
        this.read = read;
    }

    @Override
    public Status getStatus() {
        return new Status(phase, read);
    }

    /** {@code {"phase": "building", "vectors_read": 120}}. */
    public record Status(String phase, long read) implements Task.Status {

        public static final String NAME = "retrieval_diffusion_build";

        public Status(StreamInput in) throws IOException {
            this(in.readString(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(phase);
            out.writeVLong(read);
        }

        @Override
        public String getWriteableName() {
            return NAME;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject().field("phase", phase).field("vectors_read", read).endObject();
        }
    }
}
