package org.instanceretrieval.es.rest;

import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;

import java.util.List;
import java.util.Objects;

/**
 * A REST handler of the plugin whose name and routes are fixed when it is built: {@link #getName()} and {@link #routes()}
 * answer exactly what the constructor was given, and a subclass writes only {@link #prepareRequest}. One subclass per endpoint
 * (or per stored-item kind); the name is the one {@code _nodes/usage} reports, the routes those the REST spec declares.
 */
public abstract class RetrievalRestHandler extends BaseRestHandler {

    private final String name;
    private final List<Route> routes;

    /**
     * @param name   the handler's name, e.g. {@code retrieval_put_model}
     * @param routes the handler's routes, at least one, in the order {@link #routes()} lists them
     */
    protected RetrievalRestHandler(String name, Route... routes) {
        if (routes.length == 0) {
            throw new IllegalArgumentException("[" + name + "] needs at least one route");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.routes = List.of(routes);
    }

    /** A handler of one route, {@code method path}. */
    protected RetrievalRestHandler(String name, RestRequest.Method method, String path) {
        this(name, new Route(method, path));
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final List<Route> routes() {
        return routes;
    }
}
