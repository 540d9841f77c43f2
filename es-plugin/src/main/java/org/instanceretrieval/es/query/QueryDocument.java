package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/**
 * The stored document whose vector is the query of a {@code retrieval_knn} query:
 * {@code {"index": ..., "id": ...}}. Immutable.
 *
 * @param index name of the index holding the document, not empty
 * @param id    the document id, not empty
 */
public record QueryDocument(String index, String id) implements Writeable, ToXContentObject {

    static final String INDEX = "index";
    static final String ID = "id";

    /** @throws IllegalArgumentException if {@code index} or {@code id} is null or empty */
    public QueryDocument {
        if (Strings.isNullOrEmpty(index)) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] query_document needs an [index]");
        }
        if (Strings.isNullOrEmpty(id)) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] query_document needs an [id]");
        }
    }

    QueryDocument(StreamInput in) throws IOException {
        this(in.readString(), in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeString(id);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject().field(INDEX, index).field(ID, id).endObject();
    }

    /**
     * The query document of its parsed object.
     *
     * @throws IllegalArgumentException naming an unknown key or a missing {@code index} or {@code id}
     */
    static QueryDocument fromMap(Map<String, Object> map) {
        for (String key : map.keySet()) {
            if (INDEX.equals(key) == false && ID.equals(key) == false) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] query_document does not support [" + key + "]");
            }
        }
        Object index = map.get(INDEX);
        Object id = map.get(ID);
        return new QueryDocument(index == null ? null : index.toString(), id == null ? null : id.toString());
    }

    /**
     * Registers, as an asynchronous action of the coordinating rewrite, the read of {@code field} from this document's
     * {@code _source} (a get, with the caller's context), and sets {@code result} to {@code then} of the source map. A
     * missing document or index is a 400 naming it; {@code then} throws, naming what it found missing, when the field does
     * not hold what it needs.
     *
     * @param owner the query's name, for messages
     */
    <T> void readSource(QueryRewriteContext context, String owner, String field, CheckedFunction<Map<String, Object>, T, Exception> then,
                        SetOnce<T> result) {
        GetRequest get = new GetRequest(index, id).fetchSourceContext(FetchSourceContext.of(true, new String[] { field }, null));
        context.registerAsyncAction((client, listener) -> client.get(get, ActionListener.wrap(response -> {
            T resolved;
            try {
                if (response.isExists() == false) {
                    throw new IllegalArgumentException("[" + owner + "] query_document [" + id + "] does not exist in index [" + index + "]");
                }
                resolved = then.apply(response.getSourceAsMap());
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            result.set(resolved);
            listener.onResponse(null);
        }, e -> listener.onFailure(e instanceof IndexNotFoundException
            ? new IllegalArgumentException("[" + owner + "] query_document index [" + index + "] does not exist", e)
            : e))));
    }

    @Override
    public String toString() {
        return index + "/" + id;
    }
}
