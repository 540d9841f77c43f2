package org.instanceretrieval.es.vectors;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorEncoding;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.support.single.shard.TransportSingleShardAction;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.routing.ShardsIterator;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.vectors.DenseVectorFieldMapper;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.indices.IndicesService;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.threadpool.ThreadPool;
import org.instanceretrieval.es.memory.RetrievalBreaker;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The transport side every internal shard-level read shares: runs on the search pool of a node holding a copy of the
 * request's shard (the local copy when there is one: preference {@code _local}), with the index resolved, and hands the
 * shard's {@link IndexService} to {@link #shardRead}. Also the checks these reads share ({@link #denseVectorField},
 * {@link #floatDims}), the read of a field's float vectors from a searcher of the shard ({@link #readFloatVectors}) and the
 * {@code retrieval} breaker they charge. Subclasses keep only what their read does.
 */
public abstract class TransportShardReadAction<P extends RequestParams, T extends Writeable>
    extends TransportSingleShardAction<ShardReadRequest<P>, ShardReadResponse<T>> {

    protected final IndicesService indicesService;
    protected final RetrievalBreaker breaker;
    private final Writeable.Reader<ShardReadResponse<T>> responseReader;

    protected TransportShardReadAction(ShardRead<P, T> action, ShardReadServices services) {
        super(action.name(), services.threadPool(), services.clusterService(), services.transportService(), services.actionFilters(),
            services.resolver(), action.requestReader(), services.threadPool().executor(ThreadPool.Names.SEARCH));
        this.indicesService = services.indicesService();
        this.breaker = services.breaker();
        this.responseReader = action.responseReader();
    }

    /** The read itself, on the shard's node; {@code indexService} is the shard's index. */
    protected abstract T shardRead(ShardReadRequest<P> request, ShardId shardId, IndexService indexService) throws IOException;

    @Override
    protected final ShardReadResponse<T> shardOperation(ShardReadRequest<P> request, ShardId shardId) throws IOException {
        return new ShardReadResponse<>(shardRead(request, shardId, indicesService.indexServiceSafe(shardId.getIndex())));
    }

    @Override
    protected final Writeable.Reader<ShardReadResponse<T>> getResponseReader() {
        return responseReader;
    }

    @Override
    protected final boolean resolveIndex(ShardReadRequest<P> request) {
        return true;
    }

    @Override
    protected final ShardsIterator shards(ClusterState state, InternalRequest request) {
        return clusterService.operationRouting().getShards(state, request.concreteIndex(), request.request().shard(), "_local");
    }

    /**
     * The mapping of {@code field} in {@code indexService}'s index, checked to be a {@code dense_vector}.
     *
     * @throws ElasticsearchStatusException 400 when the field is not mapped or is of another type
     */
    protected static DenseVectorFieldMapper.DenseVectorFieldType denseVectorField(IndexService indexService, String field) {
        String index = indexService.index().getName();
        MappedFieldType type = indexService.mapperService().fieldType(field);
        if (type == null) {
            throw badRequest("[field] [{}] does not exist in the mapping of index [{}]", field, index);
        }
        if (type instanceof DenseVectorFieldMapper.DenseVectorFieldType dense) {
            return dense;
        }
        throw badRequest("[field] [{}] of index [{}] is of type [{}], not [dense_vector]", field, index, type.typeName());
    }

    /**
     * The dimension of the vectors of {@code field} in the first segment of {@code leaves} holding some, 0 when none does.
     *
     * @throws ElasticsearchStatusException 400 when the field holds vectors other than float ones
     */
    protected static int floatDims(List<LeafReaderContext> leaves, String field, String index) {
        for (LeafReaderContext leaf : leaves) {
            FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
            if (info != null && info.getVectorDimension() > 0) {
                if (info.getVectorEncoding() != VectorEncoding.FLOAT32) {
                    throw badRequest("[field] [{}] of index [{}] holds [{}] vectors; only float vectors are read", field, index,
                        info.getVectorEncoding());
                }
                return info.getVectorDimension();
            }
        }
        return 0;
    }

    /** What a read of float vectors does with the reader of its searcher and the vectors' dimension. */
    @FunctionalInterface
    protected interface FloatVectorRead<T> {
        T read(IndexReader reader, int dims) throws IOException;
    }

    /**
     * Reads the float vectors of {@code field} from a searcher of {@code shard} acquired for the call ({@code source} names it)
     * and closed after: {@code read} gets the searcher's reader and the dimension of the field's vectors ({@link #floatDims});
     * the result is {@code none}'s when no segment holds a vector of the field.
     *
     * @throws ElasticsearchStatusException 400 when the field holds vectors other than float ones
     */
    protected static <T> T readFloatVectors(IndexShard shard, String field, String source, Supplier<T> none, FloatVectorRead<T> read)
        throws IOException {
        try (Engine.Searcher searcher = shard.acquireSearcher(source)) {
            IndexReader reader = searcher.getIndexReader();
            int dims = floatDims(reader.leaves(), field, shard.shardId().getIndexName());
            return dims == 0 ? none.get() : read.read(reader, dims);
        }
    }

    /** A 400 with {@code message}'s {@code {}} filled by {@code args}. */
    protected static ElasticsearchStatusException badRequest(String message, Object... args) {
        return new ElasticsearchStatusException(message, RestStatus.BAD_REQUEST, args);
    }
}
