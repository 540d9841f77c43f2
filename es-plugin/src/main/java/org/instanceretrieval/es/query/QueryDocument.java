package org.instanceretrieval.es.query;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
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

    @Override
    public String toString() {
        return index + "/" + id;
    }
}
