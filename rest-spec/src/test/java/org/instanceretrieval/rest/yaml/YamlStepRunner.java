package org.instanceretrieval.rest.yaml;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.http.HttpEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.WarningsHandler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Executes the steps of a YAML REST test against a node, in the subset of Elasticsearch's
 * YAML test format that our suites use:
 * <ul>
 *   <li>{@code do}: one API call by spec name with its arguments ({@code body} is the request
 *   body; a list body is sent as NDJSON); optional {@code catch} ({@code bad_request},
 *   {@code unauthorized}, {@code forbidden}, {@code missing}, {@code conflict},
 *   {@code request} for any error, or a {@code /regex/} on the error body) and
 *   {@code headers}. Without {@code catch} an error status fails the test. The response's deprecation warnings are
 *   checked against {@code warnings}, {@code allowed_warnings}, {@code warnings_regex} and
 *   {@code allowed_warnings_regex} ({@link DoWarnings}): an undeclared warning fails the step.</li>
 *   <li>{@code match}, {@code length}, {@code is_true}, {@code is_false}, {@code gt},
 *   {@code gte}, {@code lt}, {@code lte}, {@code close_to} ({@code {value, error}}), on a
 *   dotted path into the last response ({@code $body} is the whole body; {@code \.}
 *   escapes a dot in a key; {@code _arbitrary_key_} names some key of a map); a {@code /regex/} expected string matches with comments
 *   allowed.</li>
 *   <li>{@code set}: stash a response value; {@code $name} or {@code ${name}} in later
 *   arguments, bodies and expected values is replaced by it.</li>
 * </ul>
 * Anything else fails loudly, so a test never silently skips a step.
 */
final class YamlStepRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STASH_IN_STRING = Pattern.compile("\\$\\{([^}]+)}");
    private static final Map<String, Integer> CATCH_STATUS = Map.of(
        "bad_request", 400, "unauthorized", 401, "forbidden", 403, "missing", 404,
        "request_timeout", 408, "conflict", 409, "unavailable", 503);

    private final RestClient client;
    private final Map<String, ApiSpec> specs;
    private final Map<String, Object> stash = new HashMap<>();
    private Object body;

    YamlStepRunner(RestClient client, Map<String, ApiSpec> specs) {
        this.client = client;
        this.specs = specs;
    }

    /** For the runner's own tests: assertions against a given body without a call. */
    YamlStepRunner withBody(Object responseBody) {
        this.body = responseBody;
        return this;
    }

    void run(List<Map<String, Object>> steps) throws IOException {
        for (Map<String, Object> step : steps) {
            if (step.size() != 1) {
                throw new AssertionError("a step has exactly one key, got " + step.keySet());
            }
            Map.Entry<String, Object> e = step.entrySet().iterator().next();
            String kind = e.getKey();
            Object arg = e.getValue();
            switch (kind) {
                case "do" -> doCall(asMap(arg, "do"));
                case "set" -> asMap(arg, "set").forEach((path, name) -> stash.put((String) name, valueAt(path)));
                case "match" -> forEachAssertion(arg, (path, expected, actual) -> assertMatches(path, expected, actual));
                case "length" -> forEachAssertion(arg, (path, expected, actual) -> check(
                    path, ((Number) expected).intValue() == lengthOf(path, actual), "length " + expected, actual));
                case "is_true" -> { Object v = valueAt((String) arg); check((String) arg, truthy(v), "a true value", v); }
                case "is_false" -> { Object v = valueAt((String) arg); check((String) arg, truthy(v) == false, "a false value", v); }
                case "gt" -> compare(arg, c -> c > 0, ">");
                case "gte" -> compare(arg, c -> c >= 0, ">=");
                case "lt" -> compare(arg, c -> c < 0, "<");
                case "lte" -> compare(arg, c -> c <= 0, "<=");
                case "close_to" -> forEachAssertion(arg, (path, expected, actual) -> {
                    Map<String, Object> spec = asMap(expected, "close_to");
                    double value = ((Number) spec.get("value")).doubleValue();
                    double error = ((Number) spec.get("error")).doubleValue();
                    check(path, actual instanceof Number n && Math.abs(n.doubleValue() - value) <= error,
                        value + " +- " + error, actual);
                });
                default -> throw new AssertionError("unsupported YAML step [" + kind + "]");
            }
        }
    }

    // ---- do ----

    private void doCall(Map<String, Object> doSection) throws IOException {
        Map<String, Object> section = new LinkedHashMap<>(doSection);
        String expectedCatch = (String) section.remove("catch");
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) section.remove("headers");
        DoWarnings warnings = DoWarnings.removeFrom(section);
        if (section.size() != 1) {
            throw new AssertionError("a do step calls exactly one API, got " + section.keySet());
        }
        String apiName = section.keySet().iterator().next();
        ApiSpec spec = specs.get(apiName);
        if (spec == null) {
            throw new AssertionError("no REST API spec named [" + apiName + "]");
        }
        Map<String, Object> args = section.get(apiName) == null ? new LinkedHashMap<>() : new LinkedHashMap<>(asMap(section.get(apiName), apiName));
        Object requestBody = resolveStash(args.remove("body"));
        Map<String, String> stringArgs = new LinkedHashMap<>();
        args.forEach((k, v) -> stringArgs.put(k, String.valueOf(resolveStash(v))));
        ApiSpec.HttpCall call = spec.resolve(stringArgs, requestBody != null);

        Request request = new Request(call.method(), call.path());
        call.queryParams().forEach(request::addParameter);
        if (requestBody != null) {
            request.setEntity(toEntity(requestBody));
        }
        // Warnings are checked here, as Elasticsearch's runner does, not rejected by the client.
        var options = request.getOptions().toBuilder().setWarningsHandler(WarningsHandler.PERMISSIVE);
        if (headers != null) {
            headers.forEach((k, v) -> options.addHeader(k, String.valueOf(v)));
        }
        request.setOptions(options);

        Response response;
        try {
            response = client.performRequest(request);
        } catch (ResponseException re) {
            response = re.getResponse();
        }
        int status = response.getStatusLine().getStatusCode();
        body = parseBody(response.getEntity());
        warnings.check(apiName, response.getWarnings());
        if (expectedCatch == null) {
            if (status >= 400) {
                throw new AssertionError(apiName + " failed with status " + status + ": " + body);
            }
            return;
        }
        if (status < 400) {
            throw new AssertionError(apiName + " was expected to fail with [" + expectedCatch + "] but returned " + status + ": " + body);
        }
        if (expectedCatch.startsWith("/") && expectedCatch.endsWith("/")) {
            String text = JSON.writeValueAsString(body);
            if (regex(expectedCatch).matcher(text).find() == false) {
                throw new AssertionError(apiName + " error did not match " + expectedCatch + ": " + text);
            }
        } else if (expectedCatch.equals("request") == false) {
            Integer expectedStatus = CATCH_STATUS.get(expectedCatch);
            if (expectedStatus == null) {
                throw new AssertionError("unknown catch [" + expectedCatch + "]");
            }
            if (expectedStatus != status) {
                throw new AssertionError(apiName + " expected status " + expectedStatus + " (" + expectedCatch + ") but got " + status + ": " + body);
            }
        }
    }

    private static HttpEntity toEntity(Object requestBody) throws IOException {
        if (requestBody instanceof String s) {
            return new NStringEntity(s, ContentType.APPLICATION_JSON);
        }
        if (requestBody instanceof List<?> lines) {
            StringBuilder ndjson = new StringBuilder();
            for (Object line : lines) {
                ndjson.append(line instanceof String s ? s : JSON.writeValueAsString(line)).append('\n');
            }
            return new NStringEntity(ndjson.toString(), ContentType.create("application/x-ndjson"));
        }
        return new NStringEntity(JSON.writeValueAsString(requestBody), ContentType.APPLICATION_JSON);
    }

    private static Object parseBody(HttpEntity entity) throws IOException {
        if (entity == null) {
            return null;
        }
        String text = EntityUtils.toString(entity);
        String type = entity.getContentType() == null ? "" : entity.getContentType().getValue();
        if (type.startsWith("application/json") || type.startsWith("application/vnd.elasticsearch+json")) {
            return JSON.readValue(text, Object.class);
        }
        return text;
    }

    // ---- stash ----

    private Object resolveStash(Object value) {
        if (value instanceof String s) {
            if (s.startsWith("$") && s.startsWith("${") == false && stash.containsKey(s.substring(1))) {
                return stash.get(s.substring(1));
            }
            Matcher m = STASH_IN_STRING.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                if (stash.containsKey(m.group(1)) == false) {
                    throw new AssertionError("nothing stashed under [" + m.group(1) + "]");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(stash.get(m.group(1)))));
            }
            m.appendTail(out);
            return out.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(resolveStash(k), resolveStash(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(resolveStash(v)));
            return out;
        }
        return value;
    }

    // ---- assertions ----

    private interface Assertion {
        void check(String path, Object expected, Object actual);
    }

    private void forEachAssertion(Object arg, Assertion assertion) {
        asMap(arg, "assertion").forEach((path, expected) -> assertion.check(path, resolveStash(expected), valueAt(path)));
    }

    private void compare(Object arg, java.util.function.IntPredicate accept, String op) {
        forEachAssertion(arg, (path, expected, actual) -> {
            if (actual instanceof Number == false || expected instanceof Number == false) {
                throw new AssertionError(path + ": cannot compare " + actual + " " + op + " " + expected);
            }
            int c = Double.compare(((Number) actual).doubleValue(), ((Number) expected).doubleValue());
            check(path, accept.test(c), op + " " + expected, actual);
        });
    }

    private static void assertMatches(String path, Object expected, Object actual) {
        if (expected instanceof String s && s.length() > 1 && s.startsWith("/") && s.endsWith("/")) {
            check(path, actual != null && regex(s).matcher(String.valueOf(actual)).find(), s, actual);
        } else {
            check(path, looselyEqual(expected, actual), expected, actual);
        }
    }

    /** Equality where numbers compare by value (YAML 1 equals JSON 1.0) and maps/lists deeply. */
    static boolean looselyEqual(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return Double.compare(e.doubleValue(), a.doubleValue()) == 0;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            return e.entrySet().stream().allMatch(en -> a.containsKey(en.getKey()) && looselyEqual(en.getValue(), a.get(en.getKey())));
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (looselyEqual(e.get(i), a.get(i)) == false) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(expected, actual);
    }

    private static Pattern regex(String slashed) {
        return Pattern.compile(slashed.substring(1, slashed.length() - 1).trim(), Pattern.COMMENTS | Pattern.DOTALL);
    }

    private static boolean truthy(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (v instanceof String s) {
            return s.isEmpty() == false && s.equalsIgnoreCase("false") == false;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return true;
    }

    private static int lengthOf(String path, Object v) {
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof String s) {
            return s.length();
        }
        throw new AssertionError(path + " has no length: " + v);
    }

    private static void check(String path, boolean ok, Object expected, Object actual) {
        if (ok == false) {
            throw new AssertionError(String.format(Locale.ROOT, "[%s]: expected %s but was %s", path, expected, actual));
        }
    }

    /** The value at a dotted path of the last response body; {@code $body} is the body itself. */
    Object valueAt(String path) {
        if (path.equals("$body") || path.isEmpty()) {
            return body;
        }
        Object current = body;
        for (String key : path.split("(?<!\\\\)\\.")) {
            key = key.replace("\\.", ".");
            Object resolvedKey = resolveStash(key);
            if (current instanceof Map<?, ?> map && key.equals("_arbitrary_key_")) {
                // Elasticsearch's convention: the path names some key of this map (e.g. a node id).
                return map.isEmpty() ? null : map.keySet().iterator().next();
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(String.valueOf(resolvedKey));
            } else if (current instanceof List<?> list) {
                int index;
                try {
                    index = Integer.parseInt(String.valueOf(resolvedKey));
                } catch (NumberFormatException nfe) {
                    throw new AssertionError("[" + path + "]: [" + key + "] is not a list index");
                }
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new AssertionError(what + " expects a map, got " + o);
    }
}
