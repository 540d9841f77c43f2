package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.job.JobResponse;
import org.instanceretrieval.es.rest.RecordRequest;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/**
 * The REST handler of {@code GET} ({@link GetGraphAction}) or {@code DELETE} ({@link DeleteGraphAction})
 * {@code {index}/_retrieval/graph}: the path's index as a {@link GraphIndexRequest}, answered with the action's JSON.
 */
public final class RestGraphAction extends RetrievalRestHandler {

    private final ActionType<JobResponse> action;

    private RestGraphAction(String name, RestRequest.Method method, ActionType<JobResponse> action) {
        super(name, method, "/{index}/_retrieval/graph");
        this.action = action;
    }

    /** {@code GET {index}/_retrieval/graph}. */
    public static RestGraphAction get() {
        return new RestGraphAction("retrieval_get_graph", RestRequest.Method.GET, GetGraphAction.INSTANCE);
    }

    /** {@code DELETE {index}/_retrieval/graph}. */
    public static RestGraphAction delete() {
        return new RestGraphAction("retrieval_delete_graph", RestRequest.Method.DELETE, DeleteGraphAction.INSTANCE);
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        var graph = new RecordRequest<>(new GraphIndexRequest(request.param("index")));
        return channel -> client.execute(action, graph, new RestToXContentListener<>(channel));
    }
}
