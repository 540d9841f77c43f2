package org.instanceretrieval.es.eval;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The task of an evaluation run: cancellable (checked before every query, and between the
 * phases), with a {@link Status} giving the phase and the number of queries evaluated.
 */
public final class EvalTask extends CancellableTask {

    private volatile String phase = "resolving";
    private volatile long queriesTotal;
    private final AtomicLong queriesDone = new AtomicLong();

    public EvalTask(long id, String type, String action, String description, TaskId parentTaskId, Map<String, String> headers) {
        super(id, type, action, description, parentTaskId, headers);
    }

    /** Phases: resolving, reading, evaluating, recording. */
    public void phase(String phase, long queriesTotal) {
        this.phase = phase;
        this.queriesTotal = queriesTotal;
    }

    public void queryDone() {
        queriesDone.incrementAndGet();
    }

    @Override
    public Status getStatus() {
        return new Status(phase, queriesDone.get(), queriesTotal);
    }

    /** {@code {"phase": "evaluating", "queries_done": 120, "queries_total": 12000}}. */
    public record Status(String phase, long queriesDone, long queriesTotal) implements Task.Status {

        public static final String NAME = "retrieval_eval";

        public Status(StreamInput in) throws IOException {
            this(in.readString(), in.readVLong(), in.readVLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(phase);
            out.writeVLong(queriesDone);
            out.writeVLong(queriesTotal);
        }

        @Override
        public String getWriteableName() {
            return NAME;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject().field("phase", phase).field("queries_done", queriesDone).field("queries_total", queriesTotal).endObject();
        }
    }
}
