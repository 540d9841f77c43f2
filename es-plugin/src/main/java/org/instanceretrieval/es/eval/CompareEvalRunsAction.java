package org.instanceretrieval.es.eval;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

/**
 * {@code GET _retrieval_eval/runs/_compare?ids=a,b}: per-query differences between two recorded
 * runs (b minus a) and the queries that gained and lost most, answered as a {@link JobResponse} holding the comparison
 * document (see docs/api.md). Action name under {@code cluster:monitor/}.
 */
public final class CompareEvalRunsAction {

    public static final String NAME = "cluster:monitor/retrieval/eval/runs/compare";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);
    public static final int DEFAULT_SIZE = 10;

    private CompareEvalRunsAction() {}

    /** The base run {@code a}, the other run {@code b}, and how many gained/lost queries to list. */
    public record Params(String base, String other, int size) implements RequestParams {

        /**
         * @param ids the {@code ids} parameter, exactly two run ids separated by a comma
         * @throws IllegalArgumentException (400) otherwise
         */
        public static Params parse(String ids, int size) {
            if (ids == null || ids.isBlank()) {
                throw new IllegalArgumentException("[ids] is required: two run ids separated by a comma, e.g. ids=a,b");
            }
            String[] parts = ids.split(",", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("[ids] must name exactly two runs separated by a comma, got [" + ids + "]");
            }
            if (parts[0].trim().equals(parts[1].trim())) {
                throw new IllegalArgumentException("[ids] names the run [" + parts[0].trim() + "] twice; compare two different runs");
            }
            return new Params(parts[0].trim(), parts[1].trim(), size);
        }

        public Params(StreamInput in) throws IOException {
            this(in.readString(), in.readString(), in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(base);
            out.writeString(other);
            out.writeVInt(size);
        }

        @Override
        public ActionRequestValidationException validate(ActionRequestValidationException e) {
            return EvalRunsAction.validateSize(size, e);
        }
    }
}
