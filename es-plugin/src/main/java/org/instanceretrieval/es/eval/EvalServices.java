package org.instanceretrieval.es.eval;

import org.elasticsearch.xcontent.NamedXContentRegistry;

import java.util.Objects;

/**
 * The node components of the evaluation, created in the plugin's {@code createComponents} and
 * injected into its transport actions: the ground-truth lookup, the registry that parses search
 * bodies (queries, rescorers and retrievers of every plugin) and the run history.
 */
public final class EvalServices {

    private final GroundTruthLookup groundTruths;
    private final NamedXContentRegistry xContentRegistry;
    private final EvalRuns runs;

    public EvalServices(GroundTruthLookup groundTruths, NamedXContentRegistry xContentRegistry, EvalRuns runs) {
        this.groundTruths = Objects.requireNonNull(groundTruths);
        this.xContentRegistry = Objects.requireNonNull(xContentRegistry);
        this.runs = Objects.requireNonNull(runs);
    }

    public GroundTruthLookup groundTruths() {
        return groundTruths;
    }

    public NamedXContentRegistry xContentRegistry() {
        return xContentRegistry;
    }

    public EvalRuns runs() {
        return runs;
    }
}
