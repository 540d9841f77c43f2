package org.instanceretrieval.es.dba;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestActionListener;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.job.IndexMetaMarker;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

import java.util.Map;

/**
 * {@code GET {index}/_retrieval/dba}: the index's DBA marker as it stands ({@code {"index": ..., "dba": {...}}}). A marker
 * that says {@code running} while its task no longer runs is answered {@code failed} with the reason
 * ({@link IndexMetaMarker#resolve}); the next DBA job on the index takes over. 404 {@code index_not_found_exception} for a
 * missing index, 404 {@code resource_not_found_exception} when no DBA job has written to the index. Reading the marker
 * needs the {@code view_index_metadata} privilege on the index (it reads the mapping), and {@code monitor} to look up the task.
 */
public final class RestGetDbaAction extends RetrievalRestHandler {

    public RestGetDbaAction() {
        super("retrieval_get_dba", RestRequest.Method.GET, "/{index}/_retrieval/dba");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String index = request.param("index");
        return channel -> IndexMetaMarker.readResolved(client, index, DbaMarker.KEY, new RestActionListener<Map<String, Object>>(channel) {
            @Override
            protected void processResponse(Map<String, Object> marker) throws Exception {
                if (marker == null) {
                    onFailure(new ResourceNotFoundException("no DBA job has written to index [{}]", index));
                    return;
                }
                XContentBuilder builder = channel.newBuilder();
                builder.startObject().field("index", index).field("dba", marker).endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, builder));
            }
        });
    }
}
