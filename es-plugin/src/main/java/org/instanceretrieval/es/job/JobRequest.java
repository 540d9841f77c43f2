package org.instanceretrieval.es.job;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * The request of a long job: the {@link #target()} of its REST path (an index, an id) and its {@link #body()} as given, which is what
 * travels on the wire; each subclass parses the body with a {@link JobBody} on construction, from REST and from the wire alike, so
 * a request is valid wherever it is (a 400 naming the field, the value and the rule otherwise). It runs as a {@link JobTask}
 * described by {@link #getDescription()} and reporting {@link #progress()}, and it can ask the task manager to store its result in
 * {@code .tasks} ({@code wait_for_completion=false}, see {@link RestJobAction}). Immutable apart from that flag.
 *
 * @param <O> the validated options the body gives
 */
public abstract class JobRequest<O> extends ActionRequest {

    private final String target;
    private final Map<String, Object> body;
    private final O options;
    private boolean shouldStoreResult;

    /** @param options parses and validates the body, @throws IllegalArgumentException (400) when it is not valid */
    protected JobRequest(String target, Map<String, Object> body, Function<Map<String, Object>, O> options) {
        this.target = target;
        this.body = body;
        this.options = options.apply(body);
    }

    /** Reads a request from the wire and validates its body again with {@code options}. */
    protected JobRequest(StreamInput in, Function<Map<String, Object>, O> options) throws IOException {
        super(in);
        this.shouldStoreResult = in.readBoolean();
        this.target = in.readString();
        this.body = in.readGenericMap();
        this.options = options.apply(body);
    }

    /**
     * {@code body}, or a 400 {@code a request body is required: <example>} when it is null or empty: what every job's
     * {@code parse} checks before its {@link JobBody} reads the keys.
     *
     * @param example the keys the endpoint needs, e.g. <code>{"field": ..., "k": ...}</code>
     */
    protected static Map<String, Object> requireBody(Map<String, Object> body, String example) {
        if (body == null || body.isEmpty()) {
            throw new IllegalArgumentException("a request body is required: " + example);
        }
        return body;
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeBoolean(shouldStoreResult);
        out.writeString(target);
        out.writeGenericMap(body);
    }

    /** The path parameter the job works on: an index (expression) or the id of what it creates. */
    protected final String target() {
        return target;
    }

    /** The options of the body. */
    protected final O options() {
        return options;
    }

    /** The request body as given. */
    public final Map<String, Object> body() {
        return body;
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
