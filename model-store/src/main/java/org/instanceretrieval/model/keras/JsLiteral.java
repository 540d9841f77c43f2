package org.instanceretrieval.model.keras;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the subset of JavaScript literal syntax that minified TF.js model bundles use for
 * their embedded JSON: objects with quoted or bare keys, arrays, double- or single-quoted
 * strings, numbers (including {@code .5} and exponents), {@code null}, {@code true},
 * {@code false}, the minifier's {@code !0}/{@code !1} and {@code void 0} (read as null).
 * Objects become unmodifiable {@link LinkedHashMap}s (key order kept), arrays unmodifiable
 * lists, numbers {@link Double}s. Stateless apart from one parse; not thread-safe.
 */
public final class JsLiteral {

    private final String text;
    private int pos;

    private JsLiteral(String text, int start) {
        this.text = text;
        this.pos = start;
    }

    /** Parses the literal starting at {@code start} and returns its value (trailing text ignored). */
    public static Object parse(String text, int start) {
        return new JsLiteral(text, start).value();
    }

    private Object value() {
        skipSpace();
        char c = peek();
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
            case '\'':
                return string();
            case '!':
                pos++;
                char d = next();
                if (d == '0') {
                    return Boolean.TRUE;
                }
                if (d == '1') {
                    return Boolean.FALSE;
                }
                throw error("expected !0 or !1");
            default:
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                    return number();
                }
                String word = identifier();
                switch (word) {
                    case "null":
                        return null;
                    case "true":
                        return Boolean.TRUE;
                    case "false":
                        return Boolean.FALSE;
                    case "void":
                        skipSpace();
                        number();
                        return null;
                    case "NaN":
                        return Double.NaN;
                    case "Infinity":
                        return Double.POSITIVE_INFINITY;
                    default:
                        throw error("unexpected word [" + word + "]");
                }
        }
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            skipSpace();
            char c = peek();
            String key = c == '"' || c == '\'' ? string() : Character.isDigit(c) ? String.valueOf(number()) : identifier();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            char end = next();
            if (end == '}') {
                return Collections.unmodifiableMap(map);
            }
            if (end != ',') {
                throw error("expected , or } in an object");
            }
        }
    }

    private List<Object> array() {
        expect('[');
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            list.add(value());
            skipSpace();
            char end = next();
            if (end == ']') {
                return Collections.unmodifiableList(list);
            }
            if (end != ',') {
                throw error("expected , or ] in an array");
            }
        }
    }

    private String string() {
        char quote = next();
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == quote) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> sb.append(e);
            }
        }
    }

    private Double number() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
                pos++;
            } else {
                break;
            }
        }
        try {
            return Double.parseDouble(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number [" + text.substring(start, pos) + "]");
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_' || text.charAt(pos) == '$')) {
            pos++;
        }
        if (start == pos) {
            throw error("unexpected character [" + peek() + "]");
        }
        return text.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected [" + c + "]");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JS literal: " + what + " at offset " + pos);
    }
}
