package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentLocation;
import org.instanceretrieval.es.PluginWriteable;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * What the plugin's query builders that take an asynchronous step in the coordinating rewrite ({@code retrieval_knn},
 * {@code retrieval_patches}) share: their name (writeable name and error prefix), the wire version ({@link PluginWriteable}),
 * the queried {@code field}, the declared parser of their body with {@code field}, {@code boost} and {@code _name} and a 400
 * for any other unknown key ({@link #parser}), the frame of their wire form and x-content (a subclass writes its own options,
 * {@link #doWriteOptions}, {@link #doXContentOptions}), and the pending result of the step: a builder waiting for one rewrites
 * to it once it is there, itself until then, and cannot be serialised; any other rewrite is the subclass's
 * ({@link #doRewriteQuery}).
 *
 * @param <QB> the query builder itself
 */
public abstract class CoordinatorQueryBuilder<QB extends CoordinatorQueryBuilder<QB>> extends AbstractQueryBuilder<QB>
    implements PluginWriteable {

    public static final ParseField FIELD = new ParseField("field");

    private final String name;
    /** The queried field (checked by the subclass). */
    protected final String field;
    /** Result of a registered asynchronous rewrite step: the builder it rewrites to; null when there is none. */
    protected final SetOnce<? extends QueryBuilder> pending;

    protected CoordinatorQueryBuilder(String name, String field, SetOnce<? extends QueryBuilder> pending) {
        this.name = name;
        this.field = field;
        this.pending = pending;
    }

    /** Reads boost, name and field; a builder read from the wire has no pending step. */
    protected CoordinatorQueryBuilder(String name, StreamInput in) throws IOException {
        super(in);
        this.name = name;
        this.field = in.readString();
        this.pending = null;
    }

    /** @throws IllegalStateException while a rewrite step is pending: such a builder is never sent */
    @Override
    protected final void doWriteTo(StreamOutput out) throws IOException {
        if (pending != null) {
            throw new IllegalStateException("[" + name + "] has a pending rewrite and cannot be serialised; missing a rewriteAndFetch?");
        }
        out.writeString(field);
        doWriteOptions(out);
    }

    /** Writes the subclass's options after the field. */
    protected abstract void doWriteOptions(StreamOutput out) throws IOException;

    @Override
    protected final void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(name).field(FIELD.getPreferredName(), field);
        doXContentOptions(builder, params);
        boostAndQueryNameToXContent(builder);
        builder.endObject();
    }

    /** Writes the subclass's options after the field. */
    protected abstract void doXContentOptions(XContentBuilder builder, Params params) throws IOException;

    public final String field() {
        return field;
    }

    @Override
    public final String getWriteableName() {
        return name;
    }

    /** While a rewrite step is pending: the step's result once it is set, else this builder; otherwise {@link #doRewriteQuery}. */
    @Override
    protected final QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (pending != null) {
            QueryBuilder next = pending.get();
            return next == null ? this : next;
        }
        return doRewriteQuery(context);
    }

    /** The rewrite of a builder with no pending step. */
    protected abstract QueryBuilder doRewriteQuery(QueryRewriteContext context) throws IOException;

    /** A body as parsed: {@code field}, {@code boost} and {@code _name}, plus a subclass's options. Mutable, for one parse. */
    protected static class ParsedQuery {
        protected String field;
        protected float boost = DEFAULT_BOOST;
        protected String queryName;

        /** {@code query} with the parsed boost and name. */
        protected <Q extends AbstractQueryBuilder<Q>> Q named(Q query) {
            return query.boost(boost).queryName(queryName);
        }
    }

    /**
     * A parser for the body of {@code {"<name>": {...}}} with {@code field}, {@code boost} and {@code _name} declared; any key
     * the subclass does not declare is a 400 ({@code [<name>] does not support [<key>] here}).
     */
    protected static <T extends ParsedQuery> ObjectParser<T, Void> parser(String name, Supplier<T> parsed) {
        ObjectParser<T, Void> parser = new ObjectParser<>(name, (p, key, value) -> {
            throw new ParsingException(XContentLocation.UNKNOWN, "[" + name + "] does not support [" + key + "] here");
        }, parsed);
        parser.declareString((p, v) -> p.field = v, FIELD);
        parser.declareFloat((p, v) -> p.boost = v, BOOST_FIELD);
        parser.declareString((p, v) -> p.queryName = v, NAME_FIELD);
        return parser;
    }
}
