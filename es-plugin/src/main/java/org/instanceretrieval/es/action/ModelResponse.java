package org.instanceretrieval.es.action;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.es.store.StoredModel;

import java.io.IOException;

/** One model in full: the response of putting a model, uploading a part, or getting one model. */
public final class ModelResponse extends ActionResponse implements ToXContentObject {

    private final StoredModel model;

    public ModelResponse(StoredModel model) {
        this.model = model;
    }

    public ModelResponse(StreamInput in) throws IOException {
        this.model = StoredModel.readFrom(in);
    }

    public StoredModel model() {
        return model;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        model.writeTo(out);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return model.toXContent(builder, params);
    }
}
