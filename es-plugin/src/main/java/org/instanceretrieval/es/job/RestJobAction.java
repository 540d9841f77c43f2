package org.instanceretrieval.es.job;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

import java.util.Map;

/**
 * The REST endpoint of a long job. The body (an empty map when there is none) and the path parameters go to the job's
 * {@link BodyParser}; then
 * <ul>
 *   <li>by default ({@code wait_for_completion=true}) the job runs with the connection as its lifetime (closing it cancels the
 *       task) and the answer is the job's response, or its error;</li>
 *   <li>with {@code wait_for_completion=false} the job runs on this node and the answer is {@code 200 {"task": "<node>:<id>"}} at
 *       once; the task manager stores the response (or error) in {@code .tasks}, read with {@code GET _tasks/<task>}, and
 *       {@code GET _tasks/<task>} shows the {@link JobStatus} while it runs.</li>
 * </ul>
 * One instance per job, registered by the plugin with its name, action and route.
 *
 * @param <R> the job's request
 * @param <S> the job's response
 */
public final class RestJobAction<R extends JobRequest<?>, S extends ActionResponse & ToXContentObject> extends RetrievalRestHandler {

    private static final Logger logger = LogManager.getLogger(RestJobAction.class);

    /** Builds the job's request from the REST request's parameters and its body. */
    @FunctionalInterface
    public interface BodyParser<R> {
        /** @throws IllegalArgumentException (400) naming the field, the value and the rule */
        R parse(RestRequest request, Map<String, Object> body);
    }

    private final ActionType<S> action;
    private final BodyParser<R> parser;

    public RestJobAction(String name, ActionType<S> action, Route route, BodyParser<R> parser) {
        super(name, route);
        this.action = action;
        this.parser = parser;
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        Map<String, Object> body = request.hasContent()
            ? XContentHelper.convertToMap(request.requiredContent(), true, request.getXContentType()).v2()
            : Map.of();
        R job = parser.parse(request, body);
        if (request.paramAsBoolean("wait_for_completion", true)) {
            return channel -> new RestCancellableNodeClient(client, request.getHttpChannel()).execute(action, job,
                new RestToXContentListener<>(channel));
        }
        job.setShouldStoreResult(true);
        return channel -> {
            Task task = client.executeLocally(action, job, ActionListener.wrap(
                r -> logger.info("[{}] done", job.getDescription()),
                e -> logger.warn(() -> "[" + job.getDescription() + "] failed", e)
            ));
            XContentBuilder builder = channel.newBuilder();
            builder.startObject().field("task", client.getLocalNodeId() + ":" + task.getId()).endObject();
            channel.sendResponse(new RestResponse(RestStatus.OK, builder));
        };
    }
}
