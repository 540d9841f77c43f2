/**
 * The index-resident neighbour graph (issue 13): where it is stored ({@link org.instanceretrieval.es.graph.GraphFields}), which
 * graph an index holds ({@link org.instanceretrieval.es.graph.GraphMarker}, read and checked by
 * {@link org.instanceretrieval.es.graph.GraphMarkers}), the node cache of whole graphs for whole-index diffusion and the offline
 * rows build ({@link org.instanceretrieval.es.graph.StoredGraphCache}, loaded through the shard action
 * {@link org.instanceretrieval.es.graph.ShardGraphAction}), and the jobs and endpoints that build, show and delete it.
 */
package org.instanceretrieval.es.graph;
