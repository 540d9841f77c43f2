/**
 * The index-resident neighbour graph (issue 13): where it is stored ({@link org.instanceretrieval.es.graph.GraphFields}), which
 * graph an index holds ({@link org.instanceretrieval.es.graph.GraphMarker}), and the jobs and endpoints that build, show and
 * delete it.
 */
package org.instanceretrieval.es.graph;
