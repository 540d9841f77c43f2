package org.instanceretrieval.es.query;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.instanceretrieval.expansion.QuerySetExpansion;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;
import org.instanceretrieval.expansion.QuerySetExpansion.Selection;

import java.io.IOException;
import java.util.Locale;
import java.util.function.Function;

/**
 * The options of {@code "expansion": {"method": "query_set", ...}} of {@code retrieval_knn}
 * (definitions, "Query-set expansion"; {@link QuerySetExpansion}). Defaults are the seed's adopted
 * setting: pool 1,000, avg, top_k with k = 5, no sparsity, 4 iterations. Immutable.
 *
 * @param pool        candidate pool: the first round's global top {@code pool}, {@code 1..10,000}
 * @param aggregation {@code avg} or {@code max}
 * @param selection   {@code top_k} or {@code threshold}
 * @param k           members per iteration of {@code top_k}, {@code 1..10,000}
 * @param threshold   {@code T_m} of {@code threshold}, finite
 * @param sparsity    similarities below it become 0, finite, or null for none
 * @param iterations  {@code 1..}{@value #MAX_ITERATIONS}
 */
public record QuerySetOptions(int pool, Aggregation aggregation, Selection selection, int k, double threshold, Double sparsity,
                              int iterations) implements Writeable, ToXContent {

    /** Largest pool: the first round is one search of at most 10,000 hits (the default max result window). */
    public static final int MAX_POOL = 10_000;
    /** Largest {@code k}. */
    public static final int MAX_K = 10_000;
    /** Largest number of iterations (each costs |pool| x |new members| dot products). */
    public static final int MAX_ITERATIONS = 100;

    static final String POOL = "pool";
    static final String AGGREGATION = "aggregation";
    static final String SELECT = "select";
    static final String K = "k";
    static final String THRESHOLD = "threshold";
    static final String SPARSITY = "sparsity";
    static final String ITERATIONS = "iterations";

    /** @throws IllegalArgumentException naming the option, its value and the rule */
    public QuerySetOptions {
        if (pool < 1 || pool > MAX_POOL) {
            throw invalid(POOL, pool, "must be between 1 and " + MAX_POOL);
        }
        if (aggregation == null || selection == null) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [query_set] needs an aggregation and a selection");
        }
        if (k < 1 || k > MAX_K) {
            throw invalid(K, k, "must be between 1 and " + MAX_K);
        }
        if (Double.isFinite(threshold) == false) {
            throw invalid(THRESHOLD, threshold, "must be finite");
        }
        if (sparsity != null && Double.isFinite(sparsity) == false) {
            throw invalid(SPARSITY, sparsity, "must be finite or null");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw invalid(ITERATIONS, iterations, "must be between 1 and " + MAX_ITERATIONS);
        }
    }

    /** The seed's adopted setting. */
    public static QuerySetOptions defaults() {
        return new QuerySetOptions(QuerySetExpansion.DEFAULT_POOL, Aggregation.AVG, Selection.TOP_K, QuerySetExpansion.DEFAULT_K,
            QuerySetExpansion.DEFAULT_THRESHOLD, null, QuerySetExpansion.DEFAULT_ITERATIONS);
    }

    QuerySetOptions(StreamInput in) throws IOException {
        this(in.readVInt(), in.readEnum(Aggregation.class), in.readEnum(Selection.class), in.readVInt(), in.readDouble(),
            in.readOptionalDouble(), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVInt(pool);
        out.writeEnum(aggregation);
        out.writeEnum(selection);
        out.writeVInt(k);
        out.writeDouble(threshold);
        out.writeOptionalDouble(sparsity);
        out.writeVInt(iterations);
    }

    /** The lucene-ext algorithm with these options. */
    public QuerySetExpansion toExpansion() {
        return new QuerySetExpansion(aggregation, selection, k, threshold, sparsity, iterations);
    }

    /** The options as fields of the enclosing {@code expansion} object (the one of the selection, not both k and threshold). */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.field(POOL, pool).field(AGGREGATION, name(aggregation)).field(SELECT, name(selection));
        if (selection == Selection.TOP_K) {
            builder.field(K, k);
        } else {
            builder.field(THRESHOLD, threshold);
        }
        return builder.field(SPARSITY, sparsity).field(ITERATIONS, iterations);
    }

    static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The enum constant whose request name is {@code value}. */
    static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (name(e).equals(value)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : " or ").append('[').append(name(e)).append(']');
        }
        throw invalid(option, value, "must be " + allowed);
    }

    /** The options as parsed inside the {@code expansion} object, validated by {@link #build}. Mutable, for one parse. */
    static final class Parsed {
        private Integer pool;
        private String aggregation;
        private String select;
        private Integer k;
        private Double threshold;
        private Double sparsity;
        private boolean sparsityGiven;
        private Integer iterations;

        /** Declares the options on the parser of the enclosing object, whose parsed value holds this at {@code get}. */
        static <P> void declare(ObjectParser<P, Void> parser, Function<P, Parsed> get) {
            parser.declareInt((p, v) -> get.apply(p).pool = v, new ParseField(POOL));
            parser.declareString((p, v) -> get.apply(p).aggregation = v, new ParseField(AGGREGATION));
            parser.declareString((p, v) -> get.apply(p).select = v, new ParseField(SELECT));
            parser.declareInt((p, v) -> get.apply(p).k = v, new ParseField(K));
            parser.declareDouble((p, v) -> get.apply(p).threshold = v, new ParseField(THRESHOLD));
            parser.declareField((p, v) -> {
                get.apply(p).sparsity = v;
                get.apply(p).sparsityGiven = true;
            }, x -> x.currentToken() == XContentParser.Token.VALUE_NULL ? null : x.doubleValue(), new ParseField(SPARSITY),
                ObjectParser.ValueType.DOUBLE_OR_NULL);
            parser.declareInt((p, v) -> get.apply(p).iterations = v, new ParseField(ITERATIONS));
        }

        /** @throws IllegalArgumentException naming an unknown value, an option of the other selection, or a value out of range */
        QuerySetOptions build() {
            Selection selection = select == null ? Selection.TOP_K : parse(Selection.class, SELECT, select);
            if (selection == Selection.TOP_K && threshold != null) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [threshold] applies to [select] [threshold] "
                    + "only; [top_k] takes [k]");
            }
            if (selection == Selection.THRESHOLD && k != null) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [k] applies to [select] [top_k] only; "
                    + "[threshold] takes [threshold]");
            }
            QuerySetOptions d = defaults();
            return new QuerySetOptions(pool == null ? d.pool() : pool,
                aggregation == null ? d.aggregation() : parse(Aggregation.class, AGGREGATION, aggregation), selection,
                k == null ? d.k() : k, threshold == null ? d.threshold() : threshold, sparsity, iterations == null ? d.iterations() : iterations);
        }

        /** @throws IllegalArgumentException if an option of {@code query_set} was given to another method */
        void requireNone(String method) {
            String given = pool != null ? POOL : aggregation != null ? AGGREGATION : select != null ? SELECT : k != null ? K
                : threshold != null ? THRESHOLD : sparsityGiven ? SPARSITY : iterations != null ? ITERATIONS : null;
            if (given != null) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [" + given
                    + "] applies to method [query_set] only, not [" + method + "]");
            }
        }
    }

    static IllegalArgumentException invalid(String option, Object value, String rule) {
        return new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [" + option + "] " + rule + " but was ["
            + value + "]");
    }
}
