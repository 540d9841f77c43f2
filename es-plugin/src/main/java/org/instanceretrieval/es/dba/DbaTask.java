package org.instanceretrieval.es.dba;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The task of a DBA job: cancellable (checked between pages read, before and after the
 * computation and between bulk batches written), with a {@link Status} giving the phase and the
 * counts of vectors read, computed and written.
 */
public final class DbaTask extends CancellableTask {

    /** Phases of a DBA job, in order. */
    public enum Phase {
        CHECKING,
        READING,
        COMPUTING,
        WRITING,
        REFRESHING;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private volatile Phase phase = Phase.CHECKING;
    private volatile long read;
    private volatile long computed;
    private volatile long written;

    public DbaTask(long id, String type, String action, String description, TaskId parentTaskId, Map<String, String> headers) {
        super(id, type, action, description, parentTaskId, headers);
    }

    public void phase(Phase phase) {
        this.phase = phase;
    }

    public void read(long read) {
        this.read = read;
    }

    public void computed(long computed) {
        this.computed = computed;
    }

    public void written(long written) {
        this.written = written;
    }

    @Override
    public Status getStatus() {
        return new Status(phase.id(), read, computed, written);
    }

    /** {@code {"phase": "writing", "vectors_read": 60, "vectors_computed": 60, "vectors_written": 20}}. */
    public record Status(String phase, long read, long computed, long written) implements Task.Status {

        public static final String NAME = "retrieval_dba";

        public Status(StreamInput in) throws IOException {
            this(in.readString(), in.readVLong(), in.readVLong(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(phase);
            out.writeVLong(read);
            out.writeVLong(computed);
            out.writeVLong(written);
        }

        @Override
        public String getWriteableName() {
            return NAME;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                .field("phase", phase)
                .field("vectors_read", read)
                .field("vectors_computed", computed)
                .field("vectors_written", written)
                .endObject();
        }
    }
}
