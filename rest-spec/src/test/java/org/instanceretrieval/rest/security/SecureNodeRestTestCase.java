package org.instanceretrieval.rest.security;

import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.test.rest.ESRestTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Tests on the build's second real node, the one with security on ({@code tests.secure.cluster}, started
 * by {@code scripts/node.sh --security rest-spec/src/test/security}). The suite's own client is the
 * superuser {@code admin}; {@link #as} sends one request as one of the users of
 * {@code src/test/security/users}, whose password is the user name followed by {@code -pass}.
 */
public abstract class SecureNodeRestTestCase extends ESRestTestCase {

    @Override
    protected String getTestRestCluster() {
        String cluster = System.getProperty("tests.secure.cluster");
        if (cluster == null) {
            throw new IllegalStateException("tests.secure.cluster is not set: run the suite with mvn verify in rest-spec");
        }
        return cluster;
    }

    /**
     * The cluster is not wiped between tests: the distribution has no data-streams module, so the data
     * stream of recorded evaluation runs cannot be deleted and {@code ESRestTestCase}'s wipe would fail on
     * it. Each test deletes what it creates instead.
     */
    @Override
    protected boolean preserveClusterUponCompletion() {
        return true;
    }

    @Override
    protected Settings restClientSettings() {
        return Settings.builder().put(ThreadContext.PREFIX + ".Authorization", basic("admin")).build();
    }

    private static String basic(String user) {
        String token = user + ":" + user + "-pass";
        return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    /** A request with a JSON body (or none). */
    static Request request(String method, String path, String json) {
        Request request = new Request(method, path);
        if (json != null) {
            request.setJsonEntity(json);
        }
        return request;
    }

    /** Sends {@code request} as {@code user}; the status and the parsed body, errors included. */
    Answer as(String user, Request request) throws IOException {
        request.setOptions(RequestOptions.DEFAULT.toBuilder().addHeader("Authorization", basic(user)));
        Response response;
        try {
            response = client().performRequest(request);
        } catch (ResponseException e) {
            response = e.getResponse();
        }
        return new Answer(response.getStatusLine().getStatusCode(), entityAsMap(response));
    }

    /** What the node answered. */
    record Answer(int status, Map<String, Object> body) {

        /** The root cause's type and reason, for assertion messages and checks. */
        String error() {
            return String.valueOf(body.get("error"));
        }
    }

    /** Sends {@code request} as {@code user} and asserts the status. */
    Answer expect(int status, String user, Request request) throws IOException {
        Answer answer = as(user, request);
        assertEquals(user + " " + request.getMethod() + " " + request.getEndpoint() + ": " + answer.body(), status, answer.status());
        return answer;
    }
}
