package org.instanceretrieval.es.dba;

import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiBits;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.mapper.RoutingFieldMapper;
import org.elasticsearch.index.mapper.Uid;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.vectors.IdTerms;
import org.instanceretrieval.es.vectors.ShardReadRequest;
import org.instanceretrieval.es.vectors.ShardReadServices;
import org.instanceretrieval.es.vectors.TransportShardReadAction;
import org.instanceretrieval.memory.Reservation;

import org.instanceretrieval.es.graph.GraphDocValues;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Serves {@link ShardGraphBlockAction} on a node holding a copy of the shard, on the search pool, from a searcher acquired for
 * the call. Walks the shard's merged {@code _id} terms from the cursor; of the live documents carrying a term the last one is
 * taken (a nested block ends with its parent); the block's documents are then read in ascending document order: the vector
 * ({@code FloatVectorValues}), the list (binary doc values, unwrapped from Elasticsearch's {@code binary} field encoding: a vint
 * count of values, then per value a vint length and the bytes; exactly one value is expected) and, only in segments that hold a
 * {@code _routing} term, the stored {@code _routing}.
 * <p>
 * Memory charged to the {@code retrieval} breaker before the block is read: {@link #bytes} for {@code size} documents, plus each
 * list's bytes as it is read; released once the response is built.
 */
public final class TransportShardGraphBlockAction
    extends TransportShardReadAction<ShardGraphBlockAction.Params, ShardGraphBlockAction.Result> {

    @Inject
    public TransportShardGraphBlockAction(ShardReadServices services) {
        super(ShardGraphBlockAction.INSTANCE, services);
    }

    /** Bytes charged for a block of {@code size} documents of {@code dims} floats, lists apart: vectors twice, ids, slots. */
    public static long bytes(int size, int dims) {
        return (long) size * (8L * dims + 200L);
    }

    @Override
    protected ShardGraphBlockAction.Result shardRead(ShardReadRequest<ShardGraphBlockAction.Params> request, ShardId shardId,
        IndexService indexService) throws IOException {
        String index = shardId.getIndexName();
        denseVectorField(indexService, request.field());
        MappedFieldType listType = indexService.mapperService().fieldType(request.params().listField());
        if (listType == null || "binary".equals(listType.typeName()) == false || listType.hasDocValues() == false) {
            throw badRequest("index [{}] has no neighbour lists: [{}] is not a binary field with doc values; build the graph with "
                + "POST {}/_retrieval/graph/_build", index, request.params().listField(), index);
        }
        IndexShard shard = indexService.getShard(shardId.id());
        return readFloatVectors(shard, request.field(), "retrieval_dba_graph", () -> ShardGraphBlockAction.Result.EMPTY,
            (reader, dims) -> reserveAndRead(reader, request, dims, shardId));
    }

    /** {@link #read} with {@link #bytes} of the block reserved first. */
    private ShardGraphBlockAction.Result reserveAndRead(IndexReader reader, ShardReadRequest<ShardGraphBlockAction.Params> request,
        int dims, ShardId shardId) throws IOException {
        try (Reservation memory = breaker.reserve(bytes(request.params().size(), dims),
            "block of " + request.params().size() + " documents with vectors of [" + request.field() + "] and neighbour lists read from shard "
                + shardId)) {
            return read(reader, request, dims, shardId.getIndexName(), memory);
        }
    }

    private static ShardGraphBlockAction.Result read(IndexReader reader, ShardReadRequest<ShardGraphBlockAction.Params> request, int dims, String index,
        Reservation memory) throws IOException {
        Terms terms = MultiTerms.getTerms(reader, IdFieldMapper.NAME);
        if (terms == null) {
            return ShardGraphBlockAction.Result.EMPTY;
        }
        Bits live = MultiBits.getLiveDocs(reader);
        TermsEnum termsEnum = terms.iterator();
        BytesRef term = request.params().after() == null ? termsEnum.next() : seekAfter(termsEnum, Uid.encodeId(request.params().after()));
        long[] keys = new long[request.params().size()]; // document << 32 | slot, sorted to read in document order
        String[] termIds = new String[request.params().size()];
        int numDocs = 0;
        int scanned = 0;
        String lastId = null;
        PostingsEnum postings = null;
        while (term != null && scanned < request.params().size()) {
            scanned++;
            lastId = Uid.decodeId(term.bytes, term.offset, term.length);
            postings = termsEnum.postings(postings, PostingsEnum.NONE);
            int last = IdTerms.topLevelDoc(postings, live);
            if (last >= 0) {
                termIds[numDocs] = lastId;
                keys[numDocs] = ((long) last << 32) | numDocs;
                numDocs++;
            }
            term = termsEnum.next();
        }
        String next = term == null ? null : lastId;
        Arrays.sort(keys, 0, numDocs);

        List<LeafReaderContext> leaves = reader.leaves();
        String[] ids = new String[numDocs];
        String[] routings = new String[numDocs];
        float[] vectors = new float[numDocs * dims];
        byte[][] lists = new byte[numDocs][];
        int found = 0;
        int leafIndex = -1;
        FloatVectorValues values = null;
        BinaryDocValues listValues = null;
        LeafReader leafReader = null;
        boolean routed = false;
        for (int t = 0; t < numDocs; t++) {
            int global = (int) (keys[t] >>> 32);
            String id = termIds[(int) keys[t]];
            int sub = ReaderUtil.subIndex(global, leaves);
            if (sub != leafIndex) {
                leafIndex = sub;
                leafReader = leaves.get(sub).reader();
                values = leafReader.getFloatVectorValues(request.field());
                listValues = DocValues.getBinary(leafReader, request.params().listField());
                routed = leafReader.terms(RoutingFieldMapper.NAME) != null;
            }
            int doc = global - leaves.get(sub).docBase;
            if (values == null || (values.docID() < doc ? values.advance(doc) : values.docID()) != doc) {
                continue; // no vector in the field: not part of the DBA
            }
            if (listValues.advanceExact(doc) == false) {
                throw badRequest("document [{}] of index [{}] has a vector in [{}] but no neighbour list in [{}]: it was indexed after the "
                    + "graph was built; rebuild the graph with POST {}/_retrieval/graph/_build", id, index, request.field(),
                    request.params().listField(), index);
            }
            byte[] list = unwrap(listValues.binaryValue(), id, index, request.params().listField());
            memory.grow(list.length, "neighbour lists of [" + request.field() + "] read from index [" + index + "]");
            System.arraycopy(values.vectorValue(), 0, vectors, found * dims, dims);
            ids[found] = id;
            lists[found] = list;
            routings[found] = routed ? routing(leafReader, doc) : null;
            found++;
        }
        return new ShardGraphBlockAction.Result(Arrays.copyOf(ids, found), Arrays.copyOf(routings, found),
            found == numDocs ? vectors : Arrays.copyOf(vectors, found * dims), dims, Arrays.copyOf(lists, found), next);
    }

    /** Positions {@code termsEnum} on the first term after {@code after} and returns it, null when there is none. */
    private static BytesRef seekAfter(TermsEnum termsEnum, BytesRef after) throws IOException {
        return switch (termsEnum.seekCeil(after)) {
            case END -> null;
            case FOUND -> termsEnum.next();
            case NOT_FOUND -> termsEnum.term();
        };
    }

    /** The one value of an Elasticsearch {@code binary} doc value ({@link GraphDocValues}), copied. */
    private static byte[] unwrap(BytesRef docValue, String id, String index, String listField) {
        BytesRef value = new BytesRef();
        try {
            if (GraphDocValues.singleValue(docValue, value) == false) {
                throw new IllegalStateException("it holds no value");
            }
        } catch (IllegalStateException e) {
            throw new ElasticsearchStatusException("document [{}] of index [{}]: [{}] {}", RestStatus.INTERNAL_SERVER_ERROR, e, id, index,
                listField, e.getMessage());
        }
        return Arrays.copyOfRange(value.bytes, value.offset, value.offset + value.length);
    }

    /** The stored {@code _routing} of {@code doc}, null when it has none. */
    private static String routing(LeafReader reader, int doc) throws IOException {
        String[] routing = new String[1];
        reader.storedFields().document(doc, new StoredFieldVisitor() {
            @Override
            public Status needsField(FieldInfo fieldInfo) {
                if (RoutingFieldMapper.NAME.equals(fieldInfo.name)) {
                    return Status.YES;
                }
                return routing[0] == null ? Status.NO : Status.STOP;
            }

            @Override
            public void stringField(FieldInfo fieldInfo, String value) {
                routing[0] = value;
            }
        });
        return routing[0];
    }
}
