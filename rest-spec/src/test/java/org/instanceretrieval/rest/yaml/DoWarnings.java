package org.instanceretrieval.rest.yaml;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The warnings a {@code do} step declares, checked as Elasticsearch's YAML runner checks them against the
 * {@code Warning} headers of the response (deprecation warnings, {@code 299 Elasticsearch-<version> "<text>"}):
 * <ul>
 *   <li>{@code warnings}: each of these texts must appear;</li>
 *   <li>{@code warnings_regex}: each pattern must match (find) at least one warning;</li>
 *   <li>{@code allowed_warnings}, {@code allowed_warnings_regex}: these may appear;</li>
 *   <li>any other warning fails the step, and so does a step without declarations that gets a warning.</li>
 * </ul>
 * A text both expected and allowed is a mistake in the test and is refused, as Elasticsearch's runner does.
 *
 * @param expected      texts that must appear
 * @param allowed       texts that may appear
 * @param expectedRegex patterns each of which must match some warning
 * @param allowedRegex  patterns of warnings that may appear
 */
record DoWarnings(List<String> expected, List<String> allowed, List<String> expectedRegex, List<String> allowedRegex) {

    DoWarnings {
        expected = List.copyOf(expected);
        allowed = List.copyOf(allowed);
        expectedRegex = List.copyOf(expectedRegex);
        allowedRegex = List.copyOf(allowedRegex);
        for (String warning : expected) {
            if (allowed.contains(warning)) {
                throw new AssertionError("the warning [" + warning + "] is both expected (warnings) and allowed (allowed_warnings)");
            }
        }
    }

    /** Removes the four warning keys from a {@code do} section (a mutable copy) and returns what they declare. */
    static DoWarnings removeFrom(Map<String, Object> doSection) {
        return new DoWarnings(
            stringList(doSection.remove("warnings"), "warnings"),
            stringList(doSection.remove("allowed_warnings"), "allowed_warnings"),
            stringList(doSection.remove("warnings_regex"), "warnings_regex"),
            stringList(doSection.remove("allowed_warnings_regex"), "allowed_warnings_regex"));
    }

    /**
     * Checks the warnings of a response.
     *
     * @param api      the API called, for the message
     * @param received the warning texts as the low-level client returns them ({@code Response.getWarnings()}), still
     *                 escaped and encoded as the node sent them
     * @throws AssertionError naming the missing or unexpected warning
     */
    void check(String api, List<String> received) {
        List<String> actual = received.stream().map(DoWarnings::decode).toList();
        for (String warning : expected) {
            if (actual.contains(warning) == false) {
                throw new AssertionError(api + ": expected warning [" + warning + "] but got " + actual);
            }
        }
        for (String pattern : expectedRegex) {
            if (actual.stream().noneMatch(w -> Pattern.compile(pattern).matcher(w).find())) {
                throw new AssertionError(api + ": expected a warning matching [" + pattern + "] but got " + actual);
            }
        }
        for (String warning : actual) {
            boolean declared = expected.contains(warning) || allowed.contains(warning)
                || expectedRegex.stream().anyMatch(p -> Pattern.compile(p).matcher(warning).find())
                || allowedRegex.stream().anyMatch(p -> Pattern.compile(p).matcher(warning).find());
            if (declared == false) {
                throw new AssertionError(api + ": unexpected warning [" + warning + "] (declare it in warnings or allowed_warnings)");
            }
        }
    }

    /**
     * The text of one warning as the node sent it, back to the text the node logged. Elasticsearch escapes backslashes and
     * quotes, then percent-encodes (UTF-8) every character a header value cannot carry, always including {@code %} itself
     * ({@code HeaderWarning.escapeAndEncode}); the low-level client strips the {@code 299 Elasticsearch-<version> "..."}
     * frame but decodes neither. Elasticsearch's runner encodes the declared text instead; decoding the received one
     * compares the same thing.
     */
    static String decode(String received) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < received.length(); i++) {
            char c = received.charAt(i);
            if (c == '%' && i + 2 < received.length() && isHex(received.charAt(i + 1)) && isHex(received.charAt(i + 2))) {
                bytes.write(Integer.parseInt(received.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        String decoded = bytes.toString(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder(decoded.length());
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c == '\\' && i + 1 < decoded.length() && (decoded.charAt(i + 1) == '\\' || decoded.charAt(i + 1) == '"')) {
                c = decoded.charAt(++i);
            }
            text.append(c);
        }
        return text.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static List<String> stringList(Object value, String key) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String one) {
            return List.of(one);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw new AssertionError("[" + key + "] must be a string or a list of strings, got " + value);
    }
}
