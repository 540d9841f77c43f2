package org.instanceretrieval.es.job;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;

import java.io.IOException;
import java.util.Map;

/**
 * The request of a long job: it runs as a {@link JobTask} described by {@link #getDescription()} and reporting {@link #progress()},
 * and it can ask the task manager to store its result in {@code .tasks} ({@code wait_for_completion=false}, see
 * {@link RestJobAction}). Subclasses are immutable apart from that flag, validate on construction (a 400 naming the field, the
 * value and the rule), and write their own fields after {@link #writeTo(StreamOutput) this class's}.
 */
public abstract class JobRequest extends ActionRequest {

    private boolean shouldStoreResult;

    protected JobRequest() {}

    protected JobRequest(StreamInput in) throws IOException {
        super(in);
        this.shouldStoreResult = in.readBoolean();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeBoolean(shouldStoreResult);
    }

    /** Asks the task manager to store the result (or failure) in {@code .tasks}, read with {@code GET _tasks/<task>}. */
    public final void setShouldStoreResult(boolean shouldStoreResult) {
        this.shouldStoreResult = shouldStoreResult;
    }

    @Override
    public final boolean getShouldStoreResult() {
        return shouldStoreResult;
    }

    /** The task's description in the task APIs: the job and its main options. */
    @Override
    public abstract String getDescription();

    /** The phases and counters the job's task reports. */
    protected abstract JobTask.Progress progress();

    @Override
    public final Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new JobTask(id, type, action, getDescription(), parentTaskId, headers, progress());
    }

    /** Requests are validated on construction. */
    @Override
    public ActionRequestValidationException validate() {
        return null;
    }
}
