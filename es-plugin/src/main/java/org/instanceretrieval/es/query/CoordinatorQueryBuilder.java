package org.instanceretrieval.es.query;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.XContentLocation;
import org.instanceretrieval.es.PluginWriteable;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * What the plugin's query builders that take an asynchronous step in the coordinating rewrite ({@code retrieval_knn},
 * {@code retrieval_patches}) share: their name (writeable name and error prefix), the wire version ({@link PluginWriteable}), the declared parser of their
 * body with {@code boost} and {@code _name} and a 400 for any other unknown key ({@link #parser}), and the handling of the
 * pending result of the step: a builder waiting for one rewrites to it once it is there ({@link #awaiting}) and cannot be
 * serialised ({@link #checkNotPending}).
 *
 * @param <QB> the query builder itself
 */
public abstract class CoordinatorQueryBuilder<QB extends CoordinatorQueryBuilder<QB>> extends AbstractQueryBuilder<QB>
    implements PluginWriteable {

    private final String name;

    protected CoordinatorQueryBuilder(String name) {
        this.name = name;
    }

    protected CoordinatorQueryBuilder(String name, StreamInput in) throws IOException {
        super(in);
        this.name = name;
    }

    @Override
    public final String getWriteableName() {
        return name;
    }

    /** What this builder, waiting for {@code pending}, rewrites to: the step's result once it is set, else itself. */
    protected final QueryBuilder awaiting(SetOnce<? extends QueryBuilder> pending) {
        QueryBuilder next = pending.get();
        return next == null ? this : next;
    }

    /** @throws IllegalStateException if {@code pending} is set: a builder waiting for a rewrite step is never sent */
    protected final void checkNotPending(SetOnce<? extends QueryBuilder> pending) {
        if (pending != null) {
            throw new IllegalStateException("[" + name + "] has a pending rewrite and cannot be serialised; missing a rewriteAndFetch?");
        }
    }

    /** A body as parsed: {@code boost} and {@code _name}, plus a subclass's options. Mutable, for one parse. */
    protected static class ParsedQuery {
        protected float boost = DEFAULT_BOOST;
        protected String queryName;

        /** {@code query} with the parsed boost and name. */
        protected <Q extends AbstractQueryBuilder<Q>> Q named(Q query) {
            return query.boost(boost).queryName(queryName);
        }
    }

    /**
     * A parser for the body of {@code {"<name>": {...}}} with {@code boost} and {@code _name} declared; any key the subclass does
     * not declare is a 400 ({@code [<name>] does not support [<key>] here}).
     */
    protected static <T extends ParsedQuery> ObjectParser<T, Void> parser(String name, Supplier<T> parsed) {
        ObjectParser<T, Void> parser = new ObjectParser<>(name, (p, key, value) -> {
            throw new ParsingException(XContentLocation.UNKNOWN, "[" + name + "] does not support [" + key + "] here");
        }, parsed);
        parser.declareFloat((p, v) -> p.boost = v, BOOST_FIELD);
        parser.declareString((p, v) -> p.queryName = v, NAME_FIELD);
        return parser;
    }
}
