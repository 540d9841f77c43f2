package org.instanceretrieval.es.query;

import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;

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

    static QueryDocument fromXContent(XContentParser parser) throws IOException {
        if (parser.currentToken() != XContentParser.Token.START_OBJECT) {
            throw new ParsingException(parser.getTokenLocation(), "[" + RetrievalKnnQueryBuilder.NAME + "] query_document must be an object");
        }
        String index = null;
        String id = null;
        String name = null;
        for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
            if (token == XContentParser.Token.FIELD_NAME) {
                name = parser.currentName();
            } else if (token.isValue() && INDEX.equals(name)) {
                index = parser.text();
            } else if (token.isValue() && ID.equals(name)) {
                id = parser.text();
            } else {
                throw new ParsingException(parser.getTokenLocation(),
                    "[" + RetrievalKnnQueryBuilder.NAME + "] query_document does not support [" + name + "]");
            }
        }
        return new QueryDocument(index, id);
    }

    @Override
    public String toString() {
        return index + "/" + id;
    }
}
