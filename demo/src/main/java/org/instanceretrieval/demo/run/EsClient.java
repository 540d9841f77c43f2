package org.instanceretrieval.demo.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A minimal JSON-over-HTTP client for one Elasticsearch node (java.net.http and Jackson; no
 * Elasticsearch classes, so the demo runs against any reachable node). Bodies are maps.
 */
public final class EsClient {

    /** A response with a status of 400 or more. */
    public static final class EsException extends RuntimeException {
        private final int status;
        private final String body;

        EsException(String method, String path, int status, String body) {
            super(method + " " + path + " -> " + status + ": " + (body.length() > 2000 ? body.substring(0, 2000) + "..." : body));
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    public EsClient(String url) {
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public String url() {
        return base.toString();
    }

    public Map<String, Object> get(String path) {
        return send("GET", path, null);
    }

    public Map<String, Object> post(String path, Object body) {
        return send("POST", path, body);
    }

    public Map<String, Object> put(String path, Object body) {
        return send("PUT", path, body);
    }

    /** DELETE that ignores a 404 (the thing was not there). */
    public void deleteIfExists(String path) {
        try {
            send("DELETE", path, null);
        } catch (EsException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /** Sends a JSON body (a map or list serialised with Jackson, or a String sent as is) and parses the JSON answer. */
    public Map<String, Object> send(String method, String path, Object body) {
        String text = sendRaw(method, path, body, "application/json");
        if (text.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(text, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object from " + method + " " + path + ": " + text, e);
        }
    }

    /** Sends newline-delimited JSON (bulk). */
    public Map<String, Object> bulk(String path, String ndjson) {
        try {
            return JSON.readValue(sendRaw("POST", path, ndjson, "application/x-ndjson"), new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String sendRaw(String method, String path, Object body, String contentType) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path : "/" + path))
            .timeout(Duration.ofMinutes(30))
            .header("Content-Type", contentType)
            .method(method, publisher)
            .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach Elasticsearch at " + base + " (" + method + " " + path + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (response.statusCode() >= 400) {
            throw new EsException(method, path, response.statusCode(), response.body());
        }
        return response.body();
    }
}
