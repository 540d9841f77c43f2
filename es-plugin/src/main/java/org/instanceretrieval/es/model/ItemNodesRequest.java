package org.instanceretrieval.es.model;

import org.elasticsearch.action.support.nodes.BaseNodesRequest;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.transport.TransportRequest;
import org.instanceretrieval.es.store.StoredItemKind;

import java.io.IOException;

/**
 * The request of a nodes action about one stored item, sent to every node of the cluster: the item's kind
 * ({@link StoredItemKind#type}) and its id, or a null id for every item (of every kind, where the action says so). Each
 * node receives it as a {@link Node}, which carries the same two values over the wire. Used by
 * {@link ClearModelCacheAction} (any kind, id optional) and {@link GetModelStatsAction} (a model, id required).
 */
public final class ItemNodesRequest extends BaseNodesRequest<ItemNodesRequest> {

    private final String type;
    private final String id;

    /**
     * @param kind the item's kind
     * @param id   the item's id, or null for every item
     */
    public ItemNodesRequest(StoredItemKind<?> kind, String id) {
        super(Strings.EMPTY_ARRAY);
        this.type = kind.type();
        this.id = id;
    }

    /** The {@link StoredItemKind#type} of the item. */
    public String type() {
        return type;
    }

    /** The item's id, or null for every item. */
    public String id() {
        return id;
    }

    /** What each node receives. */
    Node nodeRequest() {
        return new Node(type, id);
    }

    /** {@link ItemNodesRequest} as one node receives it. */
    public static final class Node extends TransportRequest {
        private final String type;
        private final String id;

        Node(String type, String id) {
            this.type = type;
            this.id = id;
        }

        Node(StreamInput in) throws IOException {
            super(in);
            this.type = in.readString();
            this.id = in.readOptionalString();
        }

        /** The {@link StoredItemKind#type} of the item. */
        String type() {
            return type;
        }

        /** The item's id, or null for every item. */
        String id() {
            return id;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(type);
            out.writeOptionalString(id);
        }
    }
}
