package org.instanceretrieval.es.vectors;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.mapper.RoutingFieldMapper;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.es.rest.RequestParams;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serves {@link ShardVectorIdsAction} on a node holding a copy of the shard, on the search pool, from one searcher. Per segment:
 * the documents with a vector (the field's {@code FloatVectorValues}), their {@code _id} from the {@code _id} terms, their routing
 * from the {@code _routing} terms (skipped when no document has one). Nested documents never have the vector of a top-level field.
 * Memory charged to the {@code retrieval} breaker as the ids are decoded: {@code 56 + 2 x id length} bytes per document (the
 * string, its slots in the lists and the sorted copy), plus the same for a routing; released when the response is built.
 */
public final class TransportShardVectorIdsAction extends TransportShardReadAction<RequestParams.None, ShardVectorIdsAction.Result> {

    @Inject
    public TransportShardVectorIdsAction(ShardReadServices services) {
        super(ShardVectorIdsAction.INSTANCE, services);
    }

    @Override
    protected ShardVectorIdsAction.Result shardRead(ShardReadRequest<RequestParams.None> request, ShardId shardId,
        IndexService indexService) throws IOException {
        IndexShard shard = indexService.getShard(shardId.id());
        String field = request.field();
        List<String> ids = new ArrayList<>();
        List<String> routings = new ArrayList<>();
        int dims = 0;
        try (Engine.Searcher searcher = shard.acquireSearcher("retrieval_vector_ids");
             Reservation memory = breaker.reserve(0, "ids of the documents with [" + field + "] of shard " + shardId)) {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                LeafReader reader = leaf.reader();
                FieldInfo info = reader.getFieldInfos().fieldInfo(field);
                if (info == null || info.getVectorDimension() == 0) {
                    continue;
                }
                if (info.getVectorEncoding() != VectorEncoding.FLOAT32) {
                    throw new ElasticsearchStatusException("[field] [{}] of index [{}] holds [{}] vectors; the graph is built on float "
                        + "vectors", RestStatus.BAD_REQUEST, field, shardId.getIndexName(), info.getVectorEncoding());
                }
                dims = info.getVectorDimension();
                readLeaf(reader, field, IdTerms.nestedPathField(shard), memory, ids, routings);
            }
            Integer[] order = new Integer[ids.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> ids.get(a).compareTo(ids.get(b)));
            String[] sortedIds = new String[order.length];
            String[] sortedRoutings = new String[order.length];
            for (int i = 0; i < order.length; i++) {
                sortedIds[i] = ids.get(order[i]);
                sortedRoutings[i] = routings.get(order[i]);
            }
            return new ShardVectorIdsAction.Result(sortedIds, sortedRoutings, dims);
        }
    }

    private static void readLeaf(LeafReader reader, String field, String nestedPathField, Reservation memory, List<String> ids,
        List<String> routings)
        throws IOException {
        Bits live = reader.getLiveDocs();
        FixedBitSet hasVector = new FixedBitSet(Math.max(1, reader.maxDoc()));
        FloatVectorValues values = reader.getFloatVectorValues(field);
        for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
            if (live == null || live.get(doc)) {
                hasVector.set(doc);
            }
        }
        Pending pending = new Pending(memory);
        String[] idOf = IdTerms.ids(reader, hasVector, nestedPathField, length -> pending.grow(56L + 2L * length));
        String[] routingOf = routings(reader, hasVector, pending);
        pending.flush();
        for (int doc = 0; doc < idOf.length; doc++) {
            if (idOf[doc] != null) {
                ids.add(idOf[doc]);
                routings.add(routingOf == null ? null : routingOf[doc]);
            }
        }
    }

    /** The {@code _routing} of each document of {@code docs} (null for others), or null when no document has one. */
    private static String[] routings(LeafReader reader, FixedBitSet docs, Pending pending) throws IOException {
        return IdTerms.termValues(reader, RoutingFieldMapper.NAME, docs::get, BytesRef::utf8ToString,
            length -> pending.grow(56L + 2L * length));
    }

    /** Charges of the ids and routings read, passed to the breaker 64 KiB at a time. */
    private static final class Pending {
        private final Reservation memory;
        private long bytes;

        Pending(Reservation memory) {
            this.memory = memory;
        }

        void grow(long more) {
            bytes += more;
            if (bytes > 64 * 1024) {
                flush();
            }
        }

        void flush() {
            memory.grow(bytes, "ids of the documents with vectors read for the neighbour graph");
            bytes = 0;
        }
    }
}
