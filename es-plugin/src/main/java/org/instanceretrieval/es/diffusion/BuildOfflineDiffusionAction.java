package org.instanceretrieval.es.diffusion;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.es.job.JobBody;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.RestJobAction;
import org.instanceretrieval.es.job.JobTask;


/**
 * {@code POST {index}/_retrieval/diffusion/_build}: precomputes offline diffusion (Yang et al.)
 * rows on the index's stored neighbour graph and stores each row with its document (see
 * {@code TransportBuildOfflineDiffusionAction}).
 */
public final class BuildOfflineDiffusionAction {

    public static final String NAME = "cluster:admin/retrieval/diffusion/build";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);

    private BuildOfflineDiffusionAction() {}

    /** The endpoint {@code POST {index}/_retrieval/diffusion/_build} ({@link RestJobAction}): waits for the build, or answers its task. */
    public static RestJobAction<JobRequest<Options>, JobResponse> rest() {
        return new RestJobAction<>("retrieval_diffusion_build", INSTANCE, new RestHandler.Route(RestRequest.Method.POST,
            "/{index}/_retrieval/diffusion/_build"), (request, body) -> KIND.request(request.param("index"), body));
    }

    /** The task's phases (checking, solving, refreshing) and its counter. */
    public static final JobTask.Progress PROGRESS = new JobTask.Progress("checking", "rows_written");

    /** The validated options; {@code nTrunc} null for the stored graph's k + 1 (the most a row can hold). */
    public record Options(String field, DiffusionParameters parameters, Integer nTrunc) {}

    private static final String OWNER = "diffusion build";
    private static final JobBody.Reader<Integer> INTEGER = (key, v) -> {
        if (v instanceof Integer i) {
            return i;
        }
        throw new IllegalArgumentException("[" + OWNER + "] [" + key + "] must be an integer but was [" + v + "]");
    };
    private static final JobBody.Reader<Double> NUMBER = (key, v) -> {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("[" + OWNER + "] [" + key + "] must be a number but was [" + v + "]");
    };
    private static final JobBody<Body> BODY = new JobBody<>(OWNER, Body::new,
        (key, keys) -> "[" + OWNER + "] unknown field [" + key + "]")
        .declare("field", (b, v) -> b.field = v, (key, v) -> {
            if (v instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("[" + OWNER + "] [field] must be a string");
        })
        .declare("k", (b, v) -> b.k = v, INTEGER)
        .declare("gamma", (b, v) -> b.gamma = v, NUMBER)
        .declare("alpha", (b, v) -> b.alpha = v, NUMBER)
        .declare("n_trunc", (b, v) -> b.nTrunc = v, INTEGER)
        .declare("max_iterations", (b, v) -> b.maxIterations = v, INTEGER)
        .declare("tolerance", (b, v) -> b.tolerance = v, NUMBER);

    /** The body as declared, with the reference defaults; {@link DiffusionParameters} and the request check the ranges. */
    private static final class Body {
        private static final DiffusionParameters DEFAULTS = DiffusionParameters.defaults(OWNER);
        String field;
        Integer nTrunc; // null: the stored graph's k + 1
        int k = DEFAULTS.k();
        double gamma = DEFAULTS.gamma();
        double alpha = DEFAULTS.alpha();
        int maxIterations = DEFAULTS.maxIterations();
        double tolerance = DEFAULTS.tolerance();
    }

    /** Checks the field and n_trunc; {@link DiffusionParameters} checks the others. */
    private static Options options(Body b) {
        DiffusionParameters parameters = new DiffusionParameters(OWNER, b.k, b.gamma, b.alpha, QueryWeighting.DEFAULT_KQ,
            b.maxIterations, b.tolerance);
        if (b.field == null || b.field.isEmpty()) {
            throw new IllegalArgumentException("[" + OWNER + "] requires [field]");
        }
        if (b.nTrunc != null && (b.nTrunc < 1 || b.nTrunc > WindowDiffusion.MAX_WINDOW)) {
            throw new IllegalArgumentException("[" + OWNER + "] [n_trunc] must be in [1, " + WindowDiffusion.MAX_WINDOW + "] but was ["
                + b.nTrunc + "]");
        }
        return new Options(b.field, parameters, b.nTrunc);
    }

    /**
     * The offline diffusion build job: its body {@code {"field", "k", "gamma", "alpha", "n_trunc", "max_iterations", "tolerance"}}
     * (optional as a whole; a 400 on an unknown key, a wrong type or a value out of range), progress and task description.
     */
    public static final JobRequest.Kind<Options> KIND = new JobRequest.Kind<>(b -> options(BODY.parse(b)), null, PROGRESS,
        (index, o) -> "offline diffusion build [" + index + "][" + o.field() + "] k=" + o.parameters().k() + " gamma="
            + o.parameters().gamma() + " alpha=" + o.parameters().alpha() + " n_trunc=" + (o.nTrunc() == null ? "graph k + 1"
            : o.nTrunc()));
}
