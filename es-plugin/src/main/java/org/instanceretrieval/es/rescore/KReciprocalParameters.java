package org.instanceretrieval.es.rescore;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.AbstractObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentFragment;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.rerank.KReciprocal;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The options of k-reciprocal re-ranking: k1, k2 and lambda (lucene-ext {@link KReciprocal}, whose rules they follow). The one
 * declaration of these options: {@link #declare} adds them to a builder's {@code ObjectParser}, {@link #toXContent} writes
 * them back, {@link #writeTo} sends them. Validated on construction with {@link IllegalArgumentException}s (HTTP 400) naming
 * the option, its value and the rule, prefixed with the caller's name. Immutable.
 */
public final class KReciprocalParameters implements Writeable, ToXContentFragment {

    public static final ParseField K1_FIELD = new ParseField("k1");
    public static final ParseField K2_FIELD = new ParseField("k2");
    public static final ParseField LAMBDA_FIELD = new ParseField("lambda");

    private final KReciprocal reranking;

    /**
     * @param owner name used in error messages ({@code k_reciprocal})
     * @throws IllegalArgumentException if k1 or k2 is not in [1, {@value KReciprocal#MAX_K}] or lambda not in [0, 1]
     */
    public KReciprocalParameters(String owner, int k1, int k2, double lambda) {
        try {
            this.reranking = new KReciprocal(k1, k2, lambda);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + owner + "] " + e.getMessage(), e);
        }
    }

    /** The paper's defaults: k1 20, k2 6, lambda 0.3. */
    public static KReciprocalParameters defaults(String owner) {
        return new KReciprocalParameters(owner, KReciprocal.DEFAULT_K1, KReciprocal.DEFAULT_K2, KReciprocal.DEFAULT_LAMBDA);
    }

    public KReciprocalParameters(StreamInput in) throws IOException {
        this.reranking = new KReciprocal(in.readVInt(), in.readVInt(), in.readDouble());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVInt(reranking.k1());
        out.writeVInt(reranking.k2());
        out.writeDouble(reranking.lambda());
    }

    /** The options as parsed, defaults preset; {@link #build} validates them. Mutable, for one parse. */
    public static final class Parsed {
        private int k1 = KReciprocal.DEFAULT_K1;
        private int k2 = KReciprocal.DEFAULT_K2;
        private double lambda = KReciprocal.DEFAULT_LAMBDA;

        /** @throws IllegalArgumentException as {@link KReciprocalParameters#KReciprocalParameters} */
        public KReciprocalParameters build(String owner) {
            return new KReciprocalParameters(owner, k1, k2, lambda);
        }
    }

    /** Declares the three options on the parser of a body whose parse state {@code T} holds a {@link Parsed}. */
    public static <T> void declare(AbstractObjectParser<T, ?> parser, Function<T, Parsed> options) {
        parser.declareInt((t, v) -> options.apply(t).k1 = v, K1_FIELD);
        parser.declareInt((t, v) -> options.apply(t).k2 = v, K2_FIELD);
        parser.declareDouble((t, v) -> options.apply(t).lambda = v, LAMBDA_FIELD);
    }

    /** Writes the three options as fields of the enclosing object. */
    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.field(K1_FIELD.getPreferredName(), reranking.k1())
            .field(K2_FIELD.getPreferredName(), reranking.k2())
            .field(LAMBDA_FIELD.getPreferredName(), reranking.lambda());
    }

    /** The re-ranking these options define. */
    public KReciprocal reranking() {
        return reranking;
    }

    public int k1() {
        return reranking.k1();
    }

    public int k2() {
        return reranking.k2();
    }

    public double lambda() {
        return reranking.lambda();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KReciprocalParameters other && k1() == other.k1() && k2() == other.k2()
            && Double.compare(lambda(), other.lambda()) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(k1(), k2(), lambda());
    }
}
