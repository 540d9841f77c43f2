package org.instanceretrieval.es.graph;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

/** The REST handlers of {@code GET} and {@code DELETE {index}/_retrieval/graph}. */
public final class RestGraphActions {

    private RestGraphActions() {}

    /** {@code GET {index}/_retrieval/graph} ({@link GetGraphAction}). */
    public static final class Get extends RetrievalRestHandler {
        public Get() {
            super("retrieval_get_graph", RestRequest.Method.GET, "/{index}/_retrieval/graph");
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            GraphIndexRequest get = new GraphIndexRequest(request.param("index"));
            return channel -> client.execute(GetGraphAction.INSTANCE, get, new RestToXContentListener<>(channel));
        }
    }

    /** {@code DELETE {index}/_retrieval/graph} ({@link DeleteGraphAction}). */
    public static final class Delete extends RetrievalRestHandler {
        public Delete() {
            super("retrieval_delete_graph", RestRequest.Method.DELETE, "/{index}/_retrieval/graph");
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            GraphIndexRequest delete = new GraphIndexRequest(request.param("index"));
            return channel -> client.execute(DeleteGraphAction.INSTANCE, delete, new RestToXContentListener<>(channel));
        }
    }
}
