package org.instanceretrieval.es.vectors;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.instanceretrieval.memory.Reservation;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.engine.Engine;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.MappedFieldType;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.injection.guice.Inject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads one shard for {@link ShardVectorsAction} on a node holding a copy of it, on the search
 * pool, from a searcher acquired for the read (a point in time of the shard). Deleted documents
 * and documents without a name (nested documents, or no value in {@code id_field}) are skipped.
 */
public final class TransportShardVectorsAction extends TransportShardReadAction<ShardVectorsAction.Params, ShardVectorsAction.Result> {

    @Inject
    public TransportShardVectorsAction(ShardReadServices services) {
        super(ShardVectorsAction.INSTANCE, services);
    }

    @Override
    protected ShardVectorsAction.Result shardRead(ShardReadRequest<ShardVectorsAction.Params> request, ShardId shardId,
        IndexService indexService) throws IOException {
        String index = shardId.getIndexName();
        String idField = request.params().idField();
        boolean byId = IdFieldMapper.NAME.equals(idField);
        if (byId == false) {
            MappedFieldType idType = indexService.mapperService().fieldType(idField);
            if (idType == null) {
                throw badRequest("[id_field] [{}] of the ground truth does not exist in the mapping of index [{}]", idField, index);
            }
            if ("keyword".equals(idType.typeName()) == false || idType.hasDocValues() == false) {
                throw badRequest("[id_field] [{}] of index [{}] is of type [{}]; names are read from a keyword field with doc values",
                    idField, index, idType.typeName());
            }
        }
        String field = request.field();
        if (field != null) {
            denseVectorField(indexService, field);
        }
        IndexShard shard = indexService.getShard(shardId.id());
        // names, ids and vectors of every document of the shard, while they are read and copied into the response
        try (Reservation memory = breaker.reserve(shard.docStats().getCount() * (2L * 100L + 8L),
            "names of shard " + shardId + " read for evaluation")) {
            return read(request, shardId, shard, index, idField, byId, field, memory);
        }
    }

    private ShardVectorsAction.Result read(ShardReadRequest<ShardVectorsAction.Params> request, ShardId shardId, IndexShard shard, String index,
        String idField, boolean byId, String field, Reservation memory) throws IOException {
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        int[] vectorDocs = new int[16];
        float[] vectors = new float[0];
        int numVectors = 0;
        int dims = 0;
        String similarity = null;
        try (Engine.Searcher searcher = shard.acquireSearcher("retrieval_eval")) {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                LeafReader reader = leaf.reader();
                Bits live = reader.getLiveDocs();
                SortedSetDocValues nameValues = byId ? null : DocValues.getSortedSet(reader, idField);
                FloatVectorValues values = null;
                if (field != null) {
                    FieldInfo info = reader.getFieldInfos().fieldInfo(field);
                    if (info != null && info.getVectorDimension() > 0) {
                        if (info.getVectorEncoding() != VectorEncoding.FLOAT32) {
                            throw badRequest("[field] [{}] of index [{}] holds [{}] vectors; the evaluation reads float vectors", field, index,
                                info.getVectorEncoding());
                        }
                        dims = info.getVectorDimension();
                        similarity = info.getVectorSimilarityFunction().name().toLowerCase(Locale.ROOT);
                        values = reader.getFloatVectorValues(field);
                        if (vectors.length == 0) {
                            // the vectors while read, and their copy into the response
                            memory.grow(Math.max(16, shard.docStats().getCount()) * 2L * 4L * dims,
                                "vectors of shard " + shardId + " read for evaluation");
                            vectors = new float[Math.max(1, (shard.docStats().getCount() > 0 ? (int) shard.docStats().getCount() : 16)) * dims];
                        }
                    }
                }
                String[] idOfDoc = IdTerms.ids(reader, live, IdTerms.nestedPathField(shard));
                for (int doc = 0; doc < reader.maxDoc(); doc++) {
                    String id = idOfDoc[doc];
                    if (id == null) {
                        continue; // deleted, or a nested document
                    }
                    String name = id;
                    if (nameValues != null) {
                        if (nameValues.advanceExact(doc) == false) {
                            continue;
                        }
                        name = nameValues.lookupOrd(nameValues.nextOrd()).utf8ToString();
                    }
                    int docIndex = names.size();
                    names.add(name);
                    ids.add(id);
                    if (values != null && (values.docID() < doc ? values.advance(doc) : values.docID()) == doc) {
                        if ((long) (numVectors + 1) * dims > vectors.length) {
                            vectors = Arrays.copyOf(vectors, Math.max(vectors.length * 2, (numVectors + 1) * dims));
                        }
                        System.arraycopy(values.vectorValue(), 0, vectors, numVectors * dims, dims);
                        if (numVectors == vectorDocs.length) {
                            vectorDocs = Arrays.copyOf(vectorDocs, numVectors * 2);
                        }
                        vectorDocs[numVectors++] = docIndex;
                    }
                    if (values != null && values.docID() == DocIdSetIterator.NO_MORE_DOCS) {
                        values = null;
                    }
                }
            }
        }
        return new ShardVectorsAction.Result(names.toArray(String[]::new), ids.toArray(String[]::new), Arrays.copyOf(vectorDocs, numVectors),
            Arrays.copyOf(vectors, numVectors * dims), dims, similarity);
    }
}
