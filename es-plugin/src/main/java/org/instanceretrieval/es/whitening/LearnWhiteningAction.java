package org.instanceretrieval.es.whitening;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.instanceretrieval.es.job.JobBody;
import org.instanceretrieval.es.job.JobRequest;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.job.RestJobAction;
import org.instanceretrieval.es.job.JobTask;
import org.instanceretrieval.es.store.ModelIds;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST _retrieval/whitening/{whitening_id}/_learn}: learns a PCA whitening from the
 * vectors of a {@code dense_vector} field, or a learned whitening (Lw) from matching pairs of
 * document ids, and stores it under a new id. Runs as a cancellable task. Action name under
 * {@code cluster:admin/} ({@code manage} privilege); reading the source index needs the
 * caller's own {@code read} privilege on it.
 */
public final class LearnWhiteningAction {

    public static final String NAME = "cluster:admin/retrieval/whitening/learn";
    public static final ActionType<JobResponse> INSTANCE = new ActionType<>(NAME);

    /** Default cap on the number of vectors a PCA whitening is learned from. */
    public static final int DEFAULT_MAX_SAMPLES = 100_000;
    /** Largest {@code max_samples} accepted. */
    public static final int MAX_MAX_SAMPLES = 1_000_000;
    /** Largest number of pairs accepted for Lw. */
    public static final int MAX_PAIRS = 100_000;

    private LearnWhiteningAction() {}

    /**
     * The endpoint {@code POST _retrieval/whitening/{whitening_id}/_learn} ({@link RestJobAction}): waits for the stored whitening,
     * or answers the task; the whitening appears in {@code GET _retrieval/whitening/{id}} when done.
     */
    public static RestJobAction<JobRequest<Options>, JobResponse> rest() {
        return new RestJobAction<>("retrieval_learn_whitening", INSTANCE, new RestHandler.Route(RestRequest.Method.POST,
            "/_retrieval/whitening/{whitening_id}/_learn"), (request, body) -> request(request.param("whitening_id"), body));
    }

    /** A {@code _learn} request from REST. @throws IllegalArgumentException (400) naming the id, then the body's first problem */
    public static JobRequest<Options> request(String whiteningId, Map<String, Object> body) {
        return KIND.request(ModelIds.validate("whitening_id", whiteningId), body);
    }

    /**
     * The validated options of a request. {@code dimensions} 0 means all; {@code power}, {@code shrinkage} and {@code maxSamples}
     * apply to PCA only, {@code pairs} ({@code [query_id, positive_id]}) to Lw only (empty for PCA).
     */
    public record Options(WhiteningMethod method, String index, String field, int dimensions, double power, double shrinkage,
        int maxSamples, List<String[]> pairs) {

        /** The distinct document ids named by the pairs, in order of first appearance. */
        public List<String> pairDocumentIds() {
            Set<String> seen = new LinkedHashSet<>();
            for (String[] pair : pairs) {
                seen.add(pair[0]);
                seen.add(pair[1]);
            }
            return new ArrayList<>(seen);
        }
    }

    /** The task's phases (checking, reading, learning, storing) and its counter. */
    public static final JobTask.Progress PROGRESS = new JobTask.Progress("checking", "vectors_read");

    private static final JobBody<Body> BODY = new JobBody<>("learn", Body::new,
        (key, keys) -> "unknown field [" + key + "]; known fields are " + keys)
        .declare("method", (b, v) -> b.method = v, JobBody.STRING)
        .declare("index", (b, v) -> b.index = v, JobBody.STRING)
        .declare("field", (b, v) -> b.field = v, JobBody.STRING)
        .declare("dimensions", (b, v) -> b.dimensions = v, JobBody.INTEGER)
        .declare("power", (b, v) -> b.power = v, JobBody.NUMBER)
        .declare("shrinkage", (b, v) -> b.shrinkage = v, JobBody.NUMBER)
        .declare("max_samples", (b, v) -> b.maxSamples = v, JobBody.INTEGER)
        .declare("pairs", (b, v) -> b.pairs = v, JobBody.ANY);

    /** The body as declared; {@link #build} checks it. */
    private static final class Body {
        String method;
        String index;
        String field;
        Integer dimensions;
        Number power;
        Number shrinkage;
        Integer maxSamples;
        Object pairs;

        Options check() {
            WhiteningMethod m = WhiteningMethod.fromId(JobBody.required("method", method));
            JobBody.required("index", index);
            JobBody.required("field", field);
            if (dimensions != null && dimensions < 1) {
                throw new IllegalArgumentException("[dimensions] must be at least 1, got [" + dimensions + "]");
            }
            if (m == WhiteningMethod.LW) {
                rejectIfSet(power, "power");
                rejectIfSet(shrinkage, "shrinkage");
                rejectIfSet(maxSamples, "max_samples");
                return new Options(m, index, field, dimensions == null ? 0 : dimensions, 0.5, 0, DEFAULT_MAX_SAMPLES, parsePairs(pairs));
            }
            if (pairs != null) {
                throw new IllegalArgumentException("[pairs] applies to method [lw] only");
            }
            double p = power == null ? 0.5 : power.doubleValue();
            if ((p > 0 && p <= 1) == false) {
                throw new IllegalArgumentException("[power] must be in (0, 1], got [" + p + "]");
            }
            double s = shrinkage == null ? 0 : shrinkage.doubleValue();
            if ((s >= 0 && Double.isFinite(s)) == false) {
                throw new IllegalArgumentException("[shrinkage] must be finite and >= 0, got [" + s + "]");
            }
            int samples = JobBody.inRange("max_samples", maxSamples, DEFAULT_MAX_SAMPLES, 1, MAX_MAX_SAMPLES);
            return new Options(m, index, field, dimensions == null ? 0 : dimensions, p, s, samples, List.of());
        }

        private static void rejectIfSet(Object value, String name) {
            if (value != null) {
                throw new IllegalArgumentException("[" + name + "] applies to method [pca] only");
            }
        }
    }


    private static List<String[]> parsePairs(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("[pairs] is required for method [lw]: [[\"query_id\", \"positive_id\"], ...]");
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("[pairs] must be an array of [query_id, positive_id] pairs, got [" + value + "]");
        }
        if (list.isEmpty() || list.size() > MAX_PAIRS) {
            throw new IllegalArgumentException("[pairs] must hold 1 to " + MAX_PAIRS + " pairs, got [" + list.size() + "]");
        }
        List<String[]> pairs = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String q && pair.get(1) instanceof String p
                && q.isEmpty() == false && p.isEmpty() == false) {
                if (q.equals(p)) {
                    // its difference is zero: it teaches the whitening nothing
                    throw new IllegalArgumentException("[pairs][" + i + "] names document [" + q + "] twice: a pair is a query and a "
                        + "different document that matches it");
                }
                pairs.add(new String[] { q, p });
            } else {
                throw new IllegalArgumentException("[pairs][" + i + "] must be two document ids [query_id, positive_id], got [" + list.get(i)
                    + "]");
            }
        }
        return List.copyOf(pairs);
    }

    /** The whitening {@code _learn} job: its body, progress and task description ({@link JobRequest}); the target is the new id. */
    public static final JobRequest.Kind<Options> KIND = new JobRequest.Kind<>(b -> BODY.parse(b).check(),
        "{\"method\": \"pca\" | \"lw\", \"index\": ..., \"field\": ...}", PROGRESS, (id, o) -> "learn " + o.method().id()
            + " whitening [" + id + "] from [" + o.index() + "][" + o.field() + "]");
}
