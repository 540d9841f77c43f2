package org.instanceretrieval.es.job;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;

import java.io.IOException;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The request of a long job: the {@link #target()} of its REST path (an index, an id) and its {@link #body()} as given, which is what
 * travels on the wire; the job's {@link Kind} parses the body (with a {@link JobBody}) on construction, from REST and from the wire
 * alike, so a request is valid wherever it is (a 400 naming the field, the value and the rule otherwise), and the transport action
 * reads the result as {@link #options()}. It runs as a {@link JobTask} described by {@link #getDescription()} and reporting its
 * {@link Kind#progress()}, and it can ask the task manager to store its result in
 * {@code .tasks} ({@code wait_for_completion=false}, see {@link RestJobAction}). Immutable apart from that flag. A job needs no
 * subclass unless its request has more to say to Elasticsearch (the evaluation's indices, for security).
 *
 * @param <O> the validated options the body gives
 */
public class JobRequest<O> extends ActionRequest {

    /**
     * A job's declaration, what every request of the job shares: how its body is parsed and validated into options, the example
     * answered for an empty body ({@code a request body is required: <example>}; null when the body is optional), its task's
     * progress and description.
     *
     * @param options     parses and validates a body, @throws IllegalArgumentException (400) when it is not valid
     * @param bodyExample the keys the endpoint needs, e.g. <code>{"field": ..., "k": ...}</code>, or null
     * @param description the task's description in the task APIs, from the target and the options
     */
    public record Kind<O>(Function<Map<String, Object>, O> options, String bodyExample, JobTask.Progress progress,
        BiFunction<String, O, String> description) {

        /** A request of this job from REST: the path parameter and the body. @throws IllegalArgumentException (400) */
        public JobRequest<O> request(String target, Map<String, Object> body) {
            return new JobRequest<>(this, target, body);
        }

        /** Reads a request of this job from the wire. */
        public Writeable.Reader<JobRequest<O>> reader() {
            return in -> new JobRequest<>(this, in);
        }
    }

    private final Kind<O> kind;
    private final String target;
    private final Map<String, Object> body;
    private final O options;
    private boolean shouldStoreResult;

    /**
     * A request from REST: a 400 when the body is required and empty, else the body parsed by {@code kind}.
     *
     * @throws IllegalArgumentException (400) when the body is not valid
     */
    protected JobRequest(Kind<O> kind, String target, Map<String, Object> body) {
        if (kind.bodyExample() != null && (body == null || body.isEmpty())) {
            throw new IllegalArgumentException("a request body is required: " + kind.bodyExample());
        }
        this.kind = kind;
        this.target = target;
        this.body = body;
        this.options = kind.options().apply(body);
    }

    /** Reads a request from the wire and validates its body again. */
    protected JobRequest(Kind<O> kind, StreamInput in) throws IOException {
        super(in);
        this.kind = kind;
        this.shouldStoreResult = in.readBoolean();
        this.target = in.readString();
        this.body = in.readGenericMap();
        this.options = kind.options().apply(body);
    }

    @Override
    public final void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeBoolean(shouldStoreResult);
        out.writeString(target);
        out.writeGenericMap(body);
    }

    /** The path parameter the job works on: an index (expression) or the id of what it creates. */
    public final String target() {
        return target;
    }

    /** The validated options of the body. */
    public final O options() {
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
    public final String getDescription() {
        return kind.description().apply(target, options);
    }

    @Override
    public final Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new JobTask(id, type, action, getDescription(), parentTaskId, headers, kind.progress());
    }

    /** Requests are validated on construction. */
    @Override
    public ActionRequestValidationException validate() {
        return null;
    }
}
