package org.instanceretrieval.es.vectors;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.io.stream.Writeable;
import org.instanceretrieval.es.rest.RequestParams;

import java.util.Objects;

/**
 * The action type of an internal shard-level read ({@link TransportShardReadAction}): its name, the wire readers of its
 * {@link RequestParams} (what the read needs besides the index, the shard and the field of {@link ShardReadRequest}) and of its result
 * (an immutable record that writes itself, carried by {@link ShardReadResponse}). Callers {@link #execute} it per shard and get
 * the result itself. Each read declares one constant of this type, with its params and result records beside it.
 *
 * @param <P> the read's parameters
 * @param <T> the read's result
 */
public final class ShardRead<P extends RequestParams, T extends Writeable> extends ActionType<ShardReadResponse<T>> {

    private final boolean fieldRequired;
    private final Writeable.Reader<P> paramsReader;
    private final Writeable.Reader<T> resultReader;

    /**
     * @param fieldRequired whether a request must name a field (a null field is then a programming error)
     */
    public ShardRead(String name, boolean fieldRequired, Writeable.Reader<P> paramsReader, Writeable.Reader<T> resultReader) {
        super(name);
        this.fieldRequired = fieldRequired;
        this.paramsReader = paramsReader;
        this.resultReader = resultReader;
    }

    /** The request reading shard {@code shard} of {@code index} ({@code field} may be null unless required). */
    public ShardReadRequest<P> request(String index, int shard, String field, P params) {
        return new ShardReadRequest<>(index, shard, fieldRequired ? Objects.requireNonNull(field, "field") : field, params);
    }

    /** Runs the read of shard {@code shard} of {@code index} through {@code client}; {@code listener} gets its result. */
    public void execute(Client client, String index, int shard, String field, P params, ActionListener<T> listener) {
        client.execute(this, request(index, shard, field, params), listener.map(ShardReadResponse::result));
    }

    Writeable.Reader<ShardReadRequest<P>> requestReader() {
        return in -> new ShardReadRequest<>(in, paramsReader);
    }

    Writeable.Reader<ShardReadResponse<T>> responseReader() {
        return in -> new ShardReadResponse<>(resultReader.read(in));
    }
}
