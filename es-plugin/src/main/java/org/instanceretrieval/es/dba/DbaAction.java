package org.instanceretrieval.es.dba;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.instanceretrieval.es.job.JobBody;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.RestJobAction;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.expansion.DatabaseAugmentation;


/**
 * {@code POST {index}/_retrieval/dba}: alpha-DBA over the whole index. Reads every vector of
 * {@code field}, replaces each by the L2-normalised sum of its top {@code n} neighbours (itself
 * included) weighted by {@code max(s, 0)^alpha}, and writes the result to {@code target_field}.
 * With {@code "graph": true} the neighbours are read from the index's stored neighbour graph ({@link GraphDbaJob}), shard by
 * shard in blocks, instead of being computed exactly over all vectors on one node. Runs as a cancellable task. Action name under {@code cluster:admin/} ({@code manage}); the
 * reads, updates and the {@code _meta} marker run with the caller's own privileges on the index.
 */
public final class DbaAction {

    public static final String NAME = "cluster:admin/retrieval/dba";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);

    /** Largest {@code n} accepted. */
    public static final int MAX_NEIGHBOURS = 1000;

    private DbaAction() {}

    /** The endpoint {@code POST {index}/_retrieval/dba} ({@link RestJobAction}): waits for the job, or answers its task. */
    public static RestJobAction<JobRequest<Options>, JobResponse> rest() {
        return new RestJobAction<>("retrieval_dba", INSTANCE, new RestHandler.Route(RestRequest.Method.POST,
            "/{index}/_retrieval/dba"), (request, body) -> KIND.request(request.param("index"), body));
    }

    /** The task's phases, in order, and its counters. */
    public static final JobTask.Progress PROGRESS = new JobTask.Progress("checking", "vectors_read", "vectors_computed", "vectors_written");

    /**
     * The validated options of a request; {@code graph}: neighbours from the index's stored graph ({@link GraphDbaJob}) instead of
     * exact ones.
     */
    public record Options(String field, String targetField, int neighbours, float alpha, boolean graph) {}

    private static final JobBody<Body> BODY = new JobBody<>("dba", Body::new,
        (key, keys) -> "unknown key [" + key + "] in DBA request; expected one of " + keys)
        .declare("field", (b, v) -> b.field = v, JobBody.STRING)
        .declare("target_field", (b, v) -> b.targetField = v, JobBody.STRING)
        .declare("n", (b, v) -> b.n = v, JobBody.INTEGER)
        .declare("alpha", (b, v) -> b.alpha = v, JobBody.NUMBER)
        .declare("graph", (b, v) -> b.graph = v, JobBody.BOOLEAN);

    /** The body as declared; {@link #check} checks it. */
    private static final class Body {
        String field;
        String targetField;
        Integer n;
        Number alpha;
        Boolean graph;

        Options check() {
            JobBody.required("field", field);
            JobBody.required("target_field", targetField);
            if (field.equals(targetField)) {
                throw new IllegalArgumentException("[target_field] must differ from [field], both are [" + field + "]");
            }
            int neighbours = JobBody.inRange("n", n, DatabaseAugmentation.DEFAULT_NEIGHBOURS, 1, MAX_NEIGHBOURS);
            float a = alpha == null ? 0f : alpha.floatValue();
            if (Float.isFinite(a) == false || a < 0) {
                throw new IllegalArgumentException("[alpha] must be a finite number >= 0, got [" + alpha + "]");
            }
            return new Options(field, targetField, neighbours, a, Boolean.TRUE.equals(graph));
        }
    }

    /** The DBA job: its body, progress and task description ({@link JobRequest}). */
    public static final JobRequest.Kind<Options> KIND = new JobRequest.Kind<>(b -> BODY.parse(b).check(),
        "{\"field\": ..., \"target_field\": ...}", PROGRESS, (index, o) -> "dba [" + index + "][" + o.field() + "] -> ["
            + o.targetField() + "] n=" + o.neighbours() + " alpha=" + o.alpha() + (o.graph() ? " graph" : ""));
}
