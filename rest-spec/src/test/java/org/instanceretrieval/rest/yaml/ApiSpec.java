package org.instanceretrieval.rest.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One REST API spec file in Elasticsearch's format: {@code {"name": {"url": {"paths": [{"path",
 * "methods", "parts"}]}, "params": {...}, "body": ...}}}. Turns an API call of a YAML test
 * (its name plus arguments) into a method and a path with a query string.
 */
final class ApiSpec {

    record PathSpec(String path, List<String> methods, Set<String> parts) {}

    record HttpCall(String method, String path, Map<String, String> queryParams) {}

    private static final Pattern PART = Pattern.compile("\\{([^}]+)}");

    final String name;
    final List<PathSpec> paths;
    final Set<String> params;
    final boolean bodyRequired;

    private ApiSpec(String name, List<PathSpec> paths, Set<String> params, boolean bodyRequired) {
        this.name = name;
        this.paths = paths;
        this.params = params;
        this.bodyRequired = bodyRequired;
    }

    static ApiSpec parse(InputStream in, ObjectMapper json) throws IOException {
        JsonNode root = json.readTree(in);
        if (root.size() != 1) {
            throw new IllegalArgumentException("an API spec file holds exactly one API, found " + root.size());
        }
        String name = root.fieldNames().next();
        JsonNode api = root.get(name);
        List<PathSpec> paths = new ArrayList<>();
        for (JsonNode p : api.path("url").path("paths")) {
            String path = p.get("path").asText();
            List<String> methods = new ArrayList<>();
            p.get("methods").forEach(m -> methods.add(m.asText()));
            Set<String> parts = new LinkedHashSet<>();
            Matcher m = PART.matcher(path);
            while (m.find()) {
                parts.add(m.group(1));
            }
            paths.add(new PathSpec(path, List.copyOf(methods), parts));
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("API [" + name + "] declares no url.paths");
        }
        Set<String> params = new LinkedHashSet<>();
        for (Iterator<String> it = api.path("params").fieldNames(); it.hasNext();) {
            params.add(it.next());
        }
        boolean bodyRequired = api.path("body").path("required").asBoolean(false);
        return new ApiSpec(name, List.copyOf(paths), Set.copyOf(params), bodyRequired);
    }

    /**
     * Chooses the path that uses the most of the given arguments as path parts (all of its
     * parts must be given); every other argument must be a declared param and goes to the
     * query string. The method is the first listed, or the first one that takes a body
     * when a body is sent.
     */
    HttpCall resolve(Map<String, String> args, boolean hasBody) {
        PathSpec best = null;
        for (PathSpec p : paths) {
            if (args.keySet().containsAll(p.parts()) && (best == null || p.parts().size() > best.parts().size())) {
                best = p;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("API [" + name + "]: no path matches the arguments " + args.keySet());
        }
        if (bodyRequired && hasBody == false) {
            throw new IllegalArgumentException("API [" + name + "] requires a body");
        }
        String path = best.path();
        for (String part : best.parts()) {
            path = path.replace("{" + part + "}", encode(args.get(part)));
        }
        Map<String, String> query = new java.util.TreeMap<>();
        for (Map.Entry<String, String> e : args.entrySet()) {
            if (best.parts().contains(e.getKey())) {
                continue;
            }
            if (params.contains(e.getKey()) == false && GLOBAL_PARAMS.contains(e.getKey()) == false) {
                throw new IllegalArgumentException("API [" + name + "] has no param [" + e.getKey() + "]");
            }
            query.put(e.getKey(), e.getValue());
        }
        String method = best.methods().get(0);
        if (hasBody && method.equals("GET") == false) {
            // Prefer a method that carries a body when one is given.
            method = best.methods().stream().filter(m -> m.equals("POST") || m.equals("PUT")).findFirst().orElse(method);
        }
        return new HttpCall(method, path, query);
    }

    /** Params every API accepts (Elasticsearch's common parameters). */
    private static final Set<String> GLOBAL_PARAMS = Set.of("pretty", "human", "error_trace", "filter_path", "format");

    private static String encode(String part) {
        return java.net.URLEncoder.encode(part, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20").replace("%2C", ",");
    }
}
