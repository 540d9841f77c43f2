package org.instanceretrieval.es.whitening;

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
 * The task of a {@code _learn} request: cancellable (checked between pages of vectors), with a
 * {@link Status} saying the phase and how many vectors have been read so far.
 */
public final class LearnWhiteningTask extends CancellableTask {

    /** Phases of a learn job, in order. */
    public enum Phase {
        CHECKING,
        READING,
        LEARNING,
        STORING;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private volatile Phase phase = Phase.CHECKING;
    private volatile long vectorsRead;

    public LearnWhiteningTask(long id, String type, String action, String description, TaskId parentTaskId, Map<String, String> headers) {
        super(id, type, action, description, parentTaskId, headers);
    }

    public void phase(Phase phase) {
        this.phase = phase;
    }

    public void vectorsRead(long vectorsRead) {
        this.vectorsRead = vectorsRead;
    }

    @Override
    public Status getStatus() {
        return new Status(phase.id(), vectorsRead);
    }

    /** {@code {"phase": "reading", "vectors_read": 12000}} in the task APIs. */
    public record Status(String phase, long vectorsRead) implements Task.Status {

        public static final String NAME = "retrieval_learn_whitening";

        public Status(StreamInput in) throws IOException {
            this(in.readString(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(phase);
            out.writeVLong(vectorsRead);
        }

        @Override
        public String getWriteableName() {
            return NAME;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject().field("phase", phase).field("vectors_read", vectorsRead).endObject();
        }
    }
}
