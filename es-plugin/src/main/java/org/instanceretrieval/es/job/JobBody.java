package org.instanceretrieval.es.job;

import org.elasticsearch.xcontent.DeprecationHandler;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.support.MapXContentParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Declared parsing of a job's request body (or of an object inside it) with Elasticsearch's {@link ObjectParser}: each key is
 * declared with the setter of a mutable builder and a {@link Reader} that converts its value (JSON {@code null} is absent); the
 * builder's {@code build} then checks ranges and combinations. Every error is an {@link IllegalArgumentException} (400) naming
 * the key, the value and the rule, with the text the endpoints have always answered: a reader's error is thrown as itself, not
 * wrapped in the parser's {@code failed to parse field}, and an unknown key gets the endpoint's own message.
 *
 * @param <B> the builder the body is parsed into
 */
public final class JobBody<B> {

    /** Converts the value of {@code key} (a String, Number, Boolean, List or Map; never null) or throws a 400. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(String key, Object value);
    }

    /** A non-empty string. */
    public static final Reader<String> STRING = (key, v) -> {
        if (v instanceof String s && s.isEmpty() == false) {
            return s;
        }
        throw invalid(key, "must be a non-empty string", v);
    };

    /** A number with an integral value in the range of an int. */
    public static final Reader<Integer> INTEGER = (key, v) -> {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw invalid(key, "must be an integer", v);
    };

    /** Any number, as given. */
    public static final Reader<Number> NUMBER = (key, v) -> {
        if (v instanceof Number n) {
            return n;
        }
        throw invalid(key, "must be a number", v);
    };

    /** {@code true} or {@code false}. */
    public static final Reader<Boolean> BOOLEAN = (key, v) -> {
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(key, "must be true or false", v);
    };

    /** An object, kept as the map given. */
    @SuppressWarnings("unchecked")
    public static final Reader<Map<String, Object>> OBJECT = (key, v) -> {
        if (v instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw invalid(key, "must be an object", v);
    };

    /** Any value, checked by the builder. */
    public static final Reader<Object> ANY = (key, v) -> v;

    private final ObjectParser<B, Void> parser;
    private final Set<String> keys = new TreeSet<>();

    /**
     * @param name          the parser's name
     * @param builder       a new, empty builder
     * @param unknownKey    the error for a key not declared, given the key and the declared keys (sorted)
     */
    public JobBody(String name, Supplier<B> builder, BiFunction<String, Set<String>, String> unknownKey) {
        Set<String> known = Collections.unmodifiableSet(keys);
        this.parser = new ObjectParser<>(name, (b, key, value) -> {
            throw new IllegalArgumentException(unknownKey.apply(key, known));
        }, builder);
    }

    /** Declares {@code key}: its value, converted by {@code reader}, goes to {@code setter} (a JSON {@code null} does not). */
    public <T> JobBody<B> declare(String key, BiConsumer<B, T> setter, Reader<T> reader) {
        keys.add(key);
        parser.declareField((b, v) -> {
            if (v != null) {
                setter.accept(b, v);
            }
        }, (p, c) -> {
            Object raw = raw(p);
            return raw == null ? null : reader.read(key, raw);
        }, new ParseField(key), ObjectParser.ValueType.VALUE_OBJECT_ARRAY);
        return this;
    }

    /** Parses {@code body} (as given by the REST layer, or read from the wire) into a new builder. */
    public B parse(Map<String, Object> body) {
        try (XContentParser p = new MapXContentParser(NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, body,
            XContentType.JSON)) {
            return parser.parse(p, null);
        } catch (XContentParseException e) {
            Throwable cause = e;
            while (cause instanceof XContentParseException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw cause instanceof IllegalArgumentException iae ? iae : e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object raw(XContentParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> p.mapOrdered();
            case START_ARRAY -> p.list();
            case VALUE_NULL -> null;
            case VALUE_NUMBER -> p.numberValue();
            case VALUE_BOOLEAN -> p.booleanValue();
            default -> p.text();
        };
    }

    /** @return {@code value} @throws IllegalArgumentException {@code [key] is required} when it is null */
    public static <T> T required(String key, T value) {
        if (value == null) {
            throw new IllegalArgumentException("[" + key + "] is required");
        }
        return value;
    }

    /**
     * {@code value}, or {@code defaultValue} when it is absent, checked to be in [{@code min}, {@code max}].
     *
     * @throws IllegalArgumentException {@code [key] must be in [min, max], got [v]} when it is not
     */
    public static int inRange(String key, Integer value, int defaultValue, int min, int max) {
        int v = value == null ? defaultValue : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException("[" + key + "] must be in [" + min + ", " + max + "], got [" + v + "]");
        }
        return v;
    }

    /** {@code [key] <rule>, got [value]}. */
    public static IllegalArgumentException invalid(String key, String rule, Object value) {
        return new IllegalArgumentException("[" + key + "] " + rule + ", got [" + value + "]");
    }
}
