package org.instanceretrieval.es.vectors;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.Uid;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;
import org.instanceretrieval.memory.Reservation;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Serves {@link ShardVectorsByIdAction} on a node holding a copy of the shard, on the search pool, from a searcher acquired for
 * the read. Each id is looked up in every segment's {@code _id} terms ({@code seekExact} of {@link Uid#encodeId}); of the live
 * documents carrying the term the last one is taken (a nested document block ends with its parent). The documents found in a
 * segment are then visited in ascending order through the field's {@code FloatVectorValues}.
 * <p>
 * Memory charged to the {@code retrieval} breaker before any allocation, for n requested ids of d floats:
 * {@link #bytes} = {@code n * (8 d + 40)} bytes (the vectors in request order and their compacted copy, one sort key and one
 * row slot per id); released when the response is built.
 */
public final class TransportShardVectorsByIdAction
    extends TransportShardReadAction<ShardVectorsByIdAction.Params, ShardVectorsByIdAction.Result> {

    @Inject
    public TransportShardVectorsByIdAction(ShardReadServices services) {
        super(ShardVectorsByIdAction.INSTANCE, services);
    }

    /** The bytes charged for {@code n} ids of {@code dims} floats. */
    public static long bytes(int n, int dims) {
        return (long) n * (8L * dims + 40L);
    }

    @Override
    protected ShardVectorsByIdAction.Result shardRead(ShardReadRequest<ShardVectorsByIdAction.Params> request, ShardId shardId,
        IndexService indexService) throws IOException {
        String field = request.field();
        denseVectorField(indexService, field);
        IndexShard shard = indexService.getShard(shardId.id());
        String[] ids = request.params().ids();
        ShardVectorsByIdAction.Result none = new ShardVectorsByIdAction.Result(new String[0], new float[0], 0, ids.clone());
        return readFloatVectors(shard, field, "retrieval_vectors_by_id", () -> none, (reader, dims) -> {
            if (ids.length == 0) {
                return none;
            }
            try (Reservation memory = breaker.reserve(bytes(ids.length, dims),
                "vectors of [" + field + "] of " + ids.length + " documents read by id from shard " + shardId)) {
                return read(reader.leaves(), field, ids, dims);
            }
        });
    }

    /** The dimension of the field's vectors in the searcher (0 when no segment holds one); 400 unless float vectors. */
    private static ShardVectorsByIdAction.Result read(List<LeafReaderContext> leaves, String field, String[] ids, int dims)
        throws IOException {
        float[] rows = new float[ids.length * dims]; // row i = vector of ids[i], request order
        boolean[] found = new boolean[ids.length];
        long[] keys = new long[ids.length];
        for (LeafReaderContext leaf : leaves) {
            LeafReader reader = leaf.reader();
            Terms terms = reader.terms(IdFieldMapper.NAME);
            FloatVectorValues values = reader.getFloatVectorValues(field);
            if (terms == null || values == null) {
                continue;
            }
            Bits live = reader.getLiveDocs();
            TermsEnum termsEnum = terms.iterator();
            PostingsEnum postings = null;
            int numKeys = 0;
            for (int i = 0; i < ids.length; i++) {
                if (found[i] || termsEnum.seekExact(Uid.encodeId(ids[i])) == false) {
                    continue;
                }
                postings = termsEnum.postings(postings, PostingsEnum.NONE);
                int last = IdTerms.topLevelDoc(postings, live);
                if (last >= 0) {
                    keys[numKeys++] = ((long) last << 32) | i;
                }
            }
            Arrays.sort(keys, 0, numKeys);
            for (int t = 0; t < numKeys; t++) {
                int doc = (int) (keys[t] >>> 32);
                int i = (int) keys[t];
                int at = values.docID() < doc ? values.advance(doc) : values.docID();
                if (at == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                if (at == doc) {
                    System.arraycopy(values.vectorValue(), 0, rows, i * dims, dims);
                    found[i] = true;
                }
            }
        }
        int numFound = 0;
        for (boolean f : found) {
            numFound += f ? 1 : 0;
        }
        String[] foundIds = new String[numFound];
        String[] missing = new String[ids.length - numFound];
        int f = 0;
        int m = 0;
        for (int i = 0; i < ids.length; i++) {
            if (found[i]) {
                System.arraycopy(rows, i * dims, rows, f * dims, dims); // f <= i: compacts in place
                foundIds[f++] = ids[i];
            } else {
                missing[m++] = ids[i];
            }
        }
        return new ShardVectorsByIdAction.Result(foundIds, numFound == ids.length ? rows : Arrays.copyOf(rows, numFound * dims), dims,
            missing);
    }
}
