/**
 * The index-resident neighbour graph (issue 13), pure-Java part: each document's top-k
 * neighbour list as stored with the document ({@link org.instanceretrieval.graph.NeighbourList},
 * {@link org.instanceretrieval.graph.NeighbourListCodec}), the blocked all-vs-all exact build
 * that never holds the whole collection ({@link org.instanceretrieval.graph.BlockedKnnGraph}
 * over {@link org.instanceretrieval.graph.VectorBlock}s), and Iscen's truncation on a
 * precomputed graph ({@link org.instanceretrieval.graph.StoredGraphDiffusion}), as defined in
 * the "Diffusion" section of the retrieval definitions.
 */
package org.instanceretrieval.graph;
