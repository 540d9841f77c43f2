package org.instanceretrieval.es.rest;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.action.BuildOfflineDiffusionAction;

import java.util.List;
import java.util.Map;

/**
 * {@code POST {index}/_retrieval/diffusion/_build}. By default waits for the build (closing the
 * connection cancels it). With {@code wait_for_completion=false} answers {@code {"task": "<node>:<id>"}}
 * at once; progress and the result are read with {@code GET _tasks/<task>}.
 */
public final class RestBuildOfflineDiffusionAction extends BaseRestHandler {

    private static final Logger logger = LogManager.getLogger(RestBuildOfflineDiffusionAction.class);

    @Override
    public String getName() {
        return "retrieval_diffusion_build";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, "/{index}/_retrieval/diffusion/_build"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        Map<String, Object> body = request.hasContent()
            ? XContentHelper.convertToMap(request.requiredContent(), false, request.getXContentType()).v2()
            : Map.of();
        BuildOfflineDiffusionAction.Request build = BuildOfflineDiffusionAction.Request.parse(request.param("index"), body);
        if (request.paramAsBoolean("wait_for_completion", true)) {
            return channel -> new RestCancellableNodeClient(client, request.getHttpChannel()).execute(
                BuildOfflineDiffusionAction.INSTANCE,
                build,
                new RestToXContentListener<>(channel)
            );
        }
        build.setShouldStoreResult(true);
        return channel -> {
            Task task = client.executeLocally(BuildOfflineDiffusionAction.INSTANCE, build, ActionListener.wrap(
                r -> logger.info("offline diffusion build of [{}][{}] done: {} items", build.index(), build.field(), r.items()),
                e -> logger.warn(() -> "offline diffusion build of [" + build.index() + "][" + build.field() + "] failed", e)
            ));
            XContentBuilder builder = channel.newBuilder();
            builder.startObject().field("task", client.getLocalNodeId() + ":" + task.getId()).endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, builder));
        };
    }
}
