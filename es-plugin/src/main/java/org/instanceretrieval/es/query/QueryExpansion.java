package org.instanceretrieval.es.query;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.search.SearchHit;
import org.instanceretrieval.expansion.AlphaQueryExpansion;
import org.instanceretrieval.expansion.QuerySetExpansion;
import org.instanceretrieval.math.VectorMath;

import java.io.IOException;
import java.util.Locale;

/**
 * The {@code expansion} option of {@code retrieval_knn}: average query expansion ({@code aqe})
 * or alpha-weighted query expansion ({@code alpha_qe}) over the first round's top {@code n}
 * results (retrieval definitions, "Query expansion and database-side augmentation"), or
 * query-set expansion ({@code query_set}, definitions "Query-set expansion") over the first
 * round's top {@code pool}. Immutable.
 *
 * @param method   the expansion method
 * @param n        number of first-round results added to the query, {@code 1..10,000} (not used by {@code query_set})
 * @param alpha    weighting exponent, finite and {@code >= 0}; always 0 for {@code aqe} and {@code query_set}
 * @param querySet the options of {@code query_set}; null exactly when the method is another
 */
public record QueryExpansion(Method method, int n, float alpha, QuerySetOptions querySet) implements Writeable, ToXContentObject {

    /** Default {@code n}: the seed's 10 ({@link AlphaQueryExpansion#DEFAULT_NEIGHBOURS}). */
    public static final int DEFAULT_N = AlphaQueryExpansion.DEFAULT_NEIGHBOURS;
    /**
     * Default {@code alpha} of {@code alpha_qe}: 3, the value of Radenovic et al. (the
     * definitions give none; {@code alpha = 0} is {@code aqe}).
     */
    public static final float DEFAULT_ALPHA_QE_ALPHA = 3f;
    /** Largest {@code n}: the first round is one search of {@code n} hits (max result window). */
    public static final int MAX_N = 10_000;

    static final String METHOD = "method";
    static final String N = "n";
    static final String ALPHA = "alpha";

    /** The expansion methods, by their request names. */
    public enum Method {
        /** Average query expansion: every weight is 1. */
        AQE,
        /** alpha-weighted query expansion: weights {@code max(s, 0)^alpha}. */
        ALPHA_QE,
        /** Query-set expansion (InsCLR) over a pool of first-round results. */
        QUERY_SET;

        /** The name in requests. */
        public String requestName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Method fromRequestName(String name) {
            for (Method m : values()) {
                if (m.requestName().equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] unknown expansion method [" + name
                + "], expected [aqe], [alpha_qe] or [query_set]");
        }
    }

    /** @throws IllegalArgumentException if a parameter is out of range */
    public QueryExpansion {
        if (method == null) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion needs a [method]: [aqe] or [alpha_qe]");
        }
        if ((method == Method.QUERY_SET) != (querySet != null)) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [" + method.requestName() + "] "
                + (querySet == null ? "needs its query_set options" : "takes no query_set options"));
        }
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [n] must be between 1 and " + MAX_N
                + " but was [" + n + "]");
        }
        if ((alpha >= 0 && Float.isFinite(alpha)) == false) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [alpha] must be finite and >= 0 but was ["
                + alpha + "]");
        }
        if (method != Method.ALPHA_QE && alpha != 0) {
            throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [alpha] applies to method [alpha_qe] only"
                + (method == Method.AQE ? "; [aqe] weighs every result 1" : ""));
        }
    }

    /** AQE or alpha-QE. */
    public QueryExpansion(Method method, int n, float alpha) {
        this(method, n, alpha, null);
    }

    /** Query-set expansion with these options. */
    public static QueryExpansion querySet(QuerySetOptions options) {
        return new QueryExpansion(Method.QUERY_SET, DEFAULT_N, 0f, options);
    }

    QueryExpansion(StreamInput in) throws IOException {
        this(in.readEnum(Method.class), in.readVInt(), in.readFloat(), in.readOptionalWriteable(QuerySetOptions::new));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeEnum(method);
        out.writeVInt(n);
        out.writeFloat(alpha);
        out.writeOptionalWriteable(querySet);
    }

    /** The lucene-ext expansion this option stands for. */
    public AlphaQueryExpansion toAlphaQueryExpansion() {
        return new AlphaQueryExpansion(n, alpha);
    }

    /**
     * The expanded query of the first round's hits: {@code L2(q + sum_j w_j d_j)}, the hits' vectors
     * as {@code first} reads them (from {@code _source}, or from the index where its floats equal them).
     * For a query set {@code q_1..q_m}, {@code q = sum_i q_i} (every member weight 1, as the single
     * query) and {@code s_j} is the mean ({@code avg}) or maximum ({@code max}) of {@code q_i . d_j};
     * for one member that is {@code s_j = q . d_j}.
     *
     * @param members the query vector or the query set, at least one
     * @throws IllegalArgumentException if a hit has no vector there or one of another dimension
     */
    float[] expand(float[][] members, QuerySetExpansion.Aggregation aggregation, FirstRoundVectors.Hits first, String field) {
        float[] query = new float[members[0].length];
        for (float[] member : members) {
            VectorMath.addScaled(query, 1f, member);
        }
        SearchHit[] hits = first.hits();
        float[][] vectors = new float[hits.length][];
        float[] similarities = new float[hits.length];
        for (int j = 0; j < hits.length; j++) {
            float[] d = first.vector(j);
            if (d == null) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] [expansion] needs the vectors of the first round's "
                    + "hits, but [" + hits[j].getIndex() + "/" + hits[j].getId() + "] has no [" + field + "] in " + first.origin());
            }
            if (d.length != query.length) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] hit [" + hits[j].getIndex() + "/" + hits[j].getId()
                    + "] has a vector of " + d.length + " dimensions but the query has " + query.length);
            }
            vectors[j] = d;
            double s = aggregation == QuerySetExpansion.Aggregation.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (float[] member : members) {
                float dot = VectorMath.dot(member, d);
                s = aggregation == QuerySetExpansion.Aggregation.MAX ? Math.max(s, dot) : s + dot;
            }
            similarities[j] = (float) (aggregation == QuerySetExpansion.Aggregation.MAX ? s : s / members.length);
        }
        return toAlphaQueryExpansion().expand(query, vectors, similarities);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field(METHOD, method.requestName());
        if (querySet != null) {
            return querySet.toXContent(builder, params).endObject();
        }
        builder.field(N, n);
        if (method == Method.ALPHA_QE) {
            builder.field(ALPHA, alpha);
        }
        return builder.endObject();
    }

    /** The options as parsed, validated by {@link #build}. Mutable, for one parse. */
    static final class Parsed {
        private String method;
        private Integer n;
        private Float alpha;
        private final QuerySetOptions.Parsed querySet = new QuerySetOptions.Parsed();

        /** @throws IllegalArgumentException naming a missing or unknown method, an option of another method, or a value out of range */
        QueryExpansion build() {
            if (method == null) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME
                    + "] expansion needs a [method]: [aqe], [alpha_qe] or [query_set]");
            }
            Method m = Method.fromRequestName(method);
            if (m == Method.QUERY_SET) {
                if (n != null || alpha != null) {
                    throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion [" + (n != null ? N : ALPHA)
                        + "] applies to methods [aqe] and [alpha_qe]; [query_set] takes [pool], [aggregation], [select], [k], "
                        + "[threshold], [sparsity] and [iterations]");
                }
                return querySet(querySet.build());
            }
            querySet.requireNone(m.requestName());
            return new QueryExpansion(m, n != null ? n : DEFAULT_N, alpha != null ? alpha : m == Method.ALPHA_QE ? DEFAULT_ALPHA_QE_ALPHA : 0f);
        }
    }

    /**
     * The parser of the {@code expansion} object; its name makes ObjectParser's own messages read
     * {@code [retrieval_knn] [expansion] ...}.
     */
    static final ObjectParser<Parsed, Void> PARSER = new ObjectParser<>(RetrievalKnnQueryBuilder.NAME + "] [expansion", (p, name, value) -> {
        throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] expansion does not support [" + name + "]");
    }, Parsed::new);

    static {
        PARSER.declareString((p, v) -> p.method = v, new ParseField(METHOD));
        PARSER.declareInt((p, v) -> p.n = v, new ParseField(N));
        PARSER.declareFloat((p, v) -> p.alpha = v, new ParseField(ALPHA));
        QuerySetOptions.Parsed.declare(PARSER, p -> p.querySet);
    }
}
