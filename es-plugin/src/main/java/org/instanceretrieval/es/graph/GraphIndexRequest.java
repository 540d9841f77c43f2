package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.admin.indices.mapping.get.GetMappingsRequest;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.rest.RecordRequest;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * The request of {@code GET} and {@code DELETE {index}/_retrieval/graph}: one index (a name, or an alias or pattern naming
 * exactly one), carried by a {@link RecordRequest}.
 */
public record GraphIndexRequest(String index) implements RequestParams {

    public GraphIndexRequest(StreamInput in) throws IOException {
        this(in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
    }

    @Override
    public ActionRequestValidationException validate(ActionRequestValidationException e) {
        return index == null || index.isEmpty() ? addValidationError("[index] is required", e) : e;
    }

    /**
     * The one concrete index the expression names (with the caller's privileges: it reads the mapping): 404
     * {@code index_not_found_exception} when none, 400 naming the indices when several.
     */
    static void concreteIndex(Client client, String expression, ActionListener<String> listener) {
        client.admin().indices().getMappings(new GetMappingsRequest().indices(expression), listener.delegateFailureAndWrap((l, r) -> {
            if (r.mappings().isEmpty()) {
                throw new IndexNotFoundException(expression);
            }
            if (r.mappings().size() > 1) {
                throw new ElasticsearchStatusException("[index] [{}] names {} indices {}; an index has its own neighbour graph, name one",
                    RestStatus.BAD_REQUEST, expression, r.mappings().size(), r.mappings().keySet().stream().sorted().toList());
            }
            l.onResponse(r.mappings().keySet().iterator().next());
        }));
    }
}
