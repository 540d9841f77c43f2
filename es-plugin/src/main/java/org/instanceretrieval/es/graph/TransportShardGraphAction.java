package org.instanceretrieval.es.graph;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.RoutingFieldMapper;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.rest.RequestParams;
import org.instanceretrieval.es.vectors.IdTerms;
import org.instanceretrieval.es.vectors.ShardReadRequest;
import org.instanceretrieval.es.vectors.ShardReadServices;
import org.instanceretrieval.es.vectors.TransportShardReadAction;
import org.instanceretrieval.memory.Reservation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one shard for {@link ShardGraphAction} on a node holding a copy of it, on the search pool, from a searcher acquired
 * for the read. Elasticsearch stores a {@code binary} field's doc value as {@code vint count, (vint length, bytes) * count};
 * a document must hold exactly one value. A document's custom routing is read from the {@code _routing} terms (only in segments
 * that hold one). Every byte copied into the response is charged to the {@code retrieval} breaker
 * first (429 when it does not fit) and released once the response is built.
 */
public final class TransportShardGraphAction extends TransportShardReadAction<RequestParams.None, ShardGraphAction.Result> {

    @Inject
    public TransportShardGraphAction(ShardReadServices services) {
        super(ShardGraphAction.INSTANCE, services);
    }

    @Override
    protected ShardGraphAction.Result shardRead(ShardReadRequest<RequestParams.None> request, ShardId shardId,
        IndexService indexService) throws IOException {
        String field = request.field();
        MappedFieldType type = indexService.mapperService().fieldType(field);
        if (type == null) {
            throw new ElasticsearchStatusException("field [{}] is not mapped in index [{}]: the index holds no such graph or rows",
                RestStatus.BAD_REQUEST, field, shardId.getIndexName());
        }
        IndexShard shard = indexService.getShard(shardId.id());
        try (Reservation memory = breaker.reserve(0, "stored graph lists of shard " + shardId)) {
            return read(shardId, shard, field, memory);
        }
    }

    private static ShardGraphAction.Result read(ShardId shardId, IndexShard shard, String field, Reservation memory) throws IOException {
        List<String> ids = new ArrayList<>();
        List<String> routings = new ArrayList<>();
        int[] offsets = new int[17];
        byte[] data = new byte[1024];
        int used = 0;
        try (Engine.Searcher searcher = shard.acquireSearcher("retrieval_graph")) {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                LeafReader reader = leaf.reader();
                BinaryDocValues values = reader.getBinaryDocValues(field);
                if (values == null) {
                    continue;
                }
                String[] idOfDoc = IdTerms.ids(reader, reader.getLiveDocs(), IdTerms.nestedPathField(shard));
                String[] routingOf = IdTerms.termValues(reader, RoutingFieldMapper.NAME, doc -> idOfDoc[doc] != null,
                    BytesRef::utf8ToString, length -> memory.grow(56L + 2L * length, "stored graph lists of shard " + shardId));
                BytesRef value = new BytesRef();
                for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                    String id = idOfDoc[doc];
                    if (id == null) {
                        continue; // deleted
                    }
                    try {
                        if (GraphDocValues.singleValue(values.binaryValue(), value) == false) {
                            continue;
                        }
                    } catch (IllegalStateException e) {
                        throw new ElasticsearchStatusException("document [{}] of index [{}]: [{}] {}", RestStatus.BAD_REQUEST, id,
                            shardId.getIndexName(), field, e.getMessage());
                    }
                    int length = value.length;
                    memory.grow(2L * length + 72L + id.length(), "stored graph lists of shard " + shardId);
                    if (used + length > data.length) {
                        data = Arrays.copyOf(data, Math.max(used + length, data.length * 2));
                    }
                    System.arraycopy(value.bytes, value.offset, data, used, length);
                    used += length;
                    if (ids.size() + 1 == offsets.length) {
                        offsets = Arrays.copyOf(offsets, offsets.length * 2);
                    }
                    ids.add(id);
                    routings.add(routingOf == null ? null : routingOf[doc]);
                    offsets[ids.size()] = used;
                }
            }
        }
        return new ShardGraphAction.Result(ids.toArray(String[]::new), routings.toArray(String[]::new), Arrays.copyOf(offsets,
            ids.size() + 1), Arrays.copyOf(data, used));
    }
}
