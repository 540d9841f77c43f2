package org.instanceretrieval.es.model;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.rest.action.RestActions;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET _retrieval/model/{model_id}/_stats}: per node, whether the model is loaded, on
 * which device, how many images it ran, the mean batch latency and the batch sizes. Unknown
 * model: 404. The request is an {@link ItemNodesRequest} of {@link ModelIndex#KIND}. Action name under
 * {@code cluster:monitor/} ({@code monitor} privilege).
 */
public final class GetModelStatsAction {

    public static final String NAME = "cluster:monitor/retrieval/model/stats";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetModelStatsAction() {}

    public static final class NodeResponse extends BaseNodeResponse {
        private final ModelUsageStats stats;

        NodeResponse(DiscoveryNode node, ModelUsageStats stats) {
            super(node);
            this.stats = stats;
        }

        NodeResponse(StreamInput in) throws IOException {
            super(in);
            boolean loaded = in.readBoolean();
            String device = in.readOptionalString();
            long count = in.readVLong();
            double latency = in.readDouble();
            Map<Integer, Long> sizes = in.readMap(StreamInput::readVInt, StreamInput::readVLong);
            this.stats = ModelUsageStats.of(loaded, device, count, latency, sizes);
        }

        public ModelUsageStats stats() {
            return stats;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBoolean(stats.loaded());
            out.writeOptionalString(stats.device());
            out.writeVLong(stats.inferenceCount());
            out.writeDouble(stats.meanLatencyMillis());
            out.writeMap(stats.batchSizeCounts(), StreamOutput::writeVInt, StreamOutput::writeVLong);
        }
    }

    public static final class Response extends TransportItemNodesAction.Response<NodeResponse> implements ToXContentObject {
        private final String modelId;

        Response(String modelId, ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
            this.modelId = modelId;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("model_id", modelId);
            RestActions.buildNodesHeader(builder, params, this);
            builder.startObject("nodes");
            Map<String, NodeResponse> byId = new TreeMap<>(getNodesMap());
            for (Map.Entry<String, NodeResponse> e : byId.entrySet()) {
                ModelUsageStats s = e.getValue().stats();
                builder.startObject(e.getKey());
                builder.field("name", e.getValue().getNode().getName());
                builder.field("loaded", s.loaded());
                if (s.device() != null) {
                    builder.field("device", s.device());
                }
                builder.field("inference_count", s.inferenceCount());
                builder.field("mean_latency_ms", s.meanLatencyMillis());
                builder.startObject("batch_sizes");
                for (Map.Entry<Integer, Long> b : s.batchSizeCounts().entrySet()) {
                    builder.field(Integer.toString(b.getKey()), b.getValue());
                }
                builder.endObject();
                builder.endObject();
            }
            builder.endObject();
            return builder.endObject();
        }
    }
}
