package org.instanceretrieval.es.eval;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code GET _retrieval_eval/runs}: the recorded runs (summary documents of the data stream
 * {@code retrieval-eval-runs}), newest first, optionally only those of one {@code name}, one
 * {@code index} or one {@code ground_truth}. Reading runs with the caller's privileges on the
 * data stream. The answer is a {@link JobResponse} {@code {"runs": [summary, ...]}}, the summaries as recorded (without the
 * per-query list). Action name under {@code cluster:monitor/}.
 */
public final class EvalRunsAction {

    public static final String NAME = "cluster:monitor/retrieval/eval/runs";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);
    public static final int MAX_SIZE = 10_000;

    private EvalRunsAction() {}

    /** Filters (each optional) and the number of runs to return. */
    public record Params(String name, String index, String groundTruth, int size) implements RequestParams {
        public Params(StreamInput in) throws IOException {
            this(in.readOptionalString(), in.readOptionalString(), in.readOptionalString(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalString(name);
            out.writeOptionalString(index);
            out.writeOptionalString(groundTruth);
            out.writeVInt(size);
        }

        @Override
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            return validateSize(size, e);
        }
    }

    /** The {@code size} rule of the runs requests: {@code e}, with an error added unless {@code size} is in [1, {@link #MAX_SIZE}]. */
    static ActionRequestValidationException validateSize(int size, ActionRequestValidationException e) {
        if (size < 1 || size > MAX_SIZE) {
            return addValidationError("[size] must be between 1 and " + MAX_SIZE + " but was [" + size + "]", e);
        }
        return e;
    }
}
