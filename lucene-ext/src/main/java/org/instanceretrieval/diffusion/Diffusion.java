package org.instanceretrieval.diffusion;

/**
 * Online diffusion of Iscen et al. over a built {@link AffinityGraph}: the query's kq nearest
 * nodes give y ({@link QueryWeighting}), {@link ConjugateGradient} solves
 * (I - alpha S) f = y, and nodes are ranked by f ({@link DiffusionRanking}).
 *
 * <p>Early truncation: {@link #onCandidates} builds and re-normalises the graph on the top-R
 * candidates only; node s is then database item {@code candidateIds[s]}. Immutable; thread-safe.
 */
public final class Diffusion {

    private final float[][] nodes;
    private final AffinityGraph graph;
    private final QueryWeighting weighting;
    private final ConjugateGradient solver;
    private final NeighbourSearch search;

    /**
     * @param nodes     the vectors the graph was built on, node order (kept by reference)
     * @param graph     the graph over {@code nodes}
     * @param weighting kq and gamma of the query vector
     * @param solver    alpha, tolerance and iteration limit
     * @param search    neighbour search for the query's kq neighbours
     * @throws IllegalArgumentException if the graph size differs from the number of vectors
     */
    public Diffusion(float[][] nodes, AffinityGraph graph, QueryWeighting weighting, ConjugateGradient solver, NeighbourSearch search) {
        if (graph.size() != nodes.length) {
            throw new IllegalArgumentException(
                "graph has [" + graph.size() + "] nodes but [" + nodes.length + "] vectors were given");
        }
        this.nodes = nodes;
        this.graph = graph;
        this.weighting = weighting;
        this.solver = solver;
        this.search = search;
    }

    /** Default query weighting and solver, brute-force search. */
    public static Diffusion withDefaults(float[][] nodes, AffinityGraph graph) {
        return new Diffusion(nodes, graph, QueryWeighting.defaults(), ConjugateGradient.defaults(), BruteForceNeighbourSearch.INSTANCE);
    }

    /**
     * Early truncation: a diffusion over the candidates only, graph built and re-normalised on
     * them ({@link AffinityGraph#buildOnSubset}). Node s of the result is {@code candidateIds[s]}.
     *
     * @param candidateIds distinct database indices, e.g. {@link DiffusionRanking#top(float[], int)}
     */
    public static Diffusion onCandidates(
        float[][] database,
        int[] candidateIds,
        GraphParameters graphParameters,
        QueryWeighting weighting,
        ConjugateGradient solver,
        NeighbourSearch search
    ) {
        float[][] candidates = AffinityGraph.select(database, candidateIds);
        AffinityGraph graph = AffinityGraph.build(candidates, graphParameters, search);
        return new Diffusion(candidates, graph, weighting, solver, search);
    }

    /** Diffusion scores for a query vector (dimension of the nodes, finite). */
    public CgSolution diffuse(float[] query) {
        return solve(weighting.queryVector(nodes, query, search));
    }

    /** Diffusion scores for a regional query given per-region similarity rows over the nodes. */
    public CgSolution diffuseRegions(float[][] regionSimilarities) {
        double[] y = weighting.regionalQueryVector(regionSimilarities);
        return solve(y);
    }

    /** Solves (I - alpha S) f = y for an explicit y of one entry per node. */
    public CgSolution solve(double[] y) {
        return solver.solve(graph.normalized(), y);
    }

    /** Node indices ranked by diffusion score for {@code query}. */
    public int[] rank(float[] query) {
        return diffuse(query).ranking();
    }

    /** The graph. */
    public AffinityGraph graph() {
        return graph;
    }
}
