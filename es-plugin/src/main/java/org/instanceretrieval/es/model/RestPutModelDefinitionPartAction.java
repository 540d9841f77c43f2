package org.instanceretrieval.es.model;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.es.rest.RetrievalRestHandler;

import java.io.IOException;

/**
 * {@code PUT _retrieval/model/{model_id}/definition/{part}} with
 * {@code {"definition": "<base64>", "total_parts": n, "total_definition_length": L, "sha256": "<hex>"}}.
 */
public final class RestPutModelDefinitionPartAction extends RetrievalRestHandler {

    public RestPutModelDefinitionPartAction() {
        super("retrieval_put_model_definition_part", RestRequest.Method.PUT, "/_retrieval/model/{model_id}/definition/{part}");
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String modelId = ModelIds.validate("model_id", request.param("model_id"));
        String partParam = request.param("part");
        int part;
        try {
            part = Integer.parseInt(partParam);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("[part] must be an integer, got [" + partParam + "]");
        }
        byte[] definition = null;
        Integer totalParts = null;
        Long totalLength = null;
        String sha256 = null;
        try (XContentParser parser = request.contentParser()) {
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw new IllegalArgumentException("the body must be an object");
            }
            while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
                String field = parser.currentName();
                XContentParser.Token token = parser.nextToken();
                switch (field) {
                    case "definition" -> {
                        if (token != XContentParser.Token.VALUE_STRING) {
                            throw new IllegalArgumentException("[definition] must be a base64 string");
                        }
                        try {
                            definition = parser.binaryValue();
                        } catch (Exception e) {
                            throw new IllegalArgumentException("[definition] is not valid base64", e);
                        }
                    }
                    case "total_parts" -> totalParts = intValue(parser, token, field);
                    case "total_definition_length" -> totalLength = longValue(parser, token, field);
                    case "sha256" -> {
                        if (token != XContentParser.Token.VALUE_STRING) {
                            throw new IllegalArgumentException("[sha256] must be a string");
                        }
                        sha256 = parser.text();
                    }
                    default -> throw new IllegalArgumentException(
                        "unknown field [" + field + "], expected one of [definition, sha256, total_definition_length, total_parts]");
                }
            }
        }
        require(definition, "definition");
        require(totalParts, "total_parts");
        require(totalLength, "total_definition_length");
        require(sha256, "sha256");
        DefinitionUpload totals = DefinitionUpload.start(totalParts, totalLength, sha256);
        if (part < 0 || part >= totalParts) {
            throw new IllegalArgumentException("[part] must be in [0, " + totalParts + "), got " + part);
        }
        var put = PutModelDefinitionPartAction.ID.request(modelId, new PutModelDefinitionPartAction.Params(part, definition, totals));
        return channel -> client.execute(PutModelDefinitionPartAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("[" + field + "] is required");
        }
    }

    private static int intValue(XContentParser parser, XContentParser.Token token, String field) throws IOException {
        long v = longValue(parser, token, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("[" + field + "] is out of range: " + v);
        }
        return (int) v;
    }

    private static long longValue(XContentParser parser, XContentParser.Token token, String field) throws IOException {
        if (token != XContentParser.Token.VALUE_NUMBER || parser.numberType() == XContentParser.NumberType.DOUBLE
            || parser.numberType() == XContentParser.NumberType.FLOAT || parser.numberType() == XContentParser.NumberType.BIG_INTEGER) {
            throw new IllegalArgumentException("[" + field + "] must be an integer");
        }
        return parser.longValue();
    }
}
