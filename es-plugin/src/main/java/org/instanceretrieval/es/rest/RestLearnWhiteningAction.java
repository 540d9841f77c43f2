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
import org.instanceretrieval.es.action.LearnWhiteningAction;

import java.util.List;
import java.util.Map;

/**
 * {@code POST _retrieval/whitening/{whitening_id}/_learn}. By default waits for the stored
 * whitening (closing the connection cancels the job). With {@code wait_for_completion=false}
 * answers {@code {"task": "<node>:<id>"}} at once; the job's result (or error) is then stored
 * by the task manager and read with {@code GET _tasks/<task>}, and the whitening itself
 * appears in {@code GET _retrieval/whitening/{id}} when done.
 */
public final class RestLearnWhiteningAction extends BaseRestHandler {

    private static final Logger logger = LogManager.getLogger(RestLearnWhiteningAction.class);

    @Override
    public String getName() {
        return "retrieval_learn_whitening";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, "/_retrieval/whitening/{whitening_id}/_learn"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        Map<String, Object> body = request.hasContent()
            ? XContentHelper.convertToMap(request.requiredContent(), false, request.getXContentType()).v2()
            : Map.of();
        LearnWhiteningAction.Request learn = LearnWhiteningAction.Request.parse(request.param("whitening_id"), body);
        if (request.paramAsBoolean("wait_for_completion", true)) {
            return channel -> new RestCancellableNodeClient(client, request.getHttpChannel()).execute(
                LearnWhiteningAction.INSTANCE,
                learn,
                new RestToXContentListener<>(channel)
            );
        }
        learn.setShouldStoreResult(true);
        return channel -> {
            Task task = client.executeLocally(LearnWhiteningAction.INSTANCE, learn, ActionListener.wrap(
                r -> logger.info("learned whitening [{}]: {} x {}", learn.whiteningId(), r.whitening().outputDimension(),
                    r.whitening().inputDimension()),
                e -> logger.warn(() -> "learning whitening [" + learn.whiteningId() + "] failed", e)
            ));
            XContentBuilder builder = channel.newBuilder();
            builder.startObject().field("task", client.getLocalNodeId() + ":" + task.getId()).endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, builder));
        };
    }
}
