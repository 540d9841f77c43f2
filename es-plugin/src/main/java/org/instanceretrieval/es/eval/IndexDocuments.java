package org.instanceretrieval.es.eval;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.es.vectors.ShardVectorsAction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The named documents of one index, read shard by shard with {@link ShardVectorsAction}: for each
 * name its {@code _id} and, when a field was read, its vector (null without one). Names must be
 * unique in the index (a 400 names the duplicate).
 */
public final class IndexDocuments {

    /** One document: its {@code _id} and its vector (null when it has none or no field was read). */
    public record Doc(String id, float[] vector) {}

    private final String index;
    private final String idField;
    private final Map<String, Doc> byName;
    private final List<String> names;
    private final int dims;
    private final String similarity;

    private IndexDocuments(String index, String idField, Map<String, Doc> byName, List<String> names, int dims, String similarity) {
        this.index = index;
        this.idField = idField;
        this.byName = byName;
        this.names = names;
        this.dims = dims;
        this.similarity = similarity;
    }

    /**
     * Reads every shard of {@code index} in parallel.
     *
     * @param field the vector field to read, or null for names only
     */
    public static void read(Client client, String index, int numShards, String idField, String field, ActionListener<IndexDocuments> listener) {
        record ShardResult(int shard, ShardVectorsAction.Result response) {}
        GroupedActionListener<ShardResult> group = new GroupedActionListener<>(numShards, listener.delegateFailureAndWrap((l, results) -> {
            l.onResponse(assemble(index, idField, field, results.stream()
                .sorted(Comparator.comparingInt(ShardResult::shard))
                .map(ShardResult::response)
                .toList()));
        }));
        for (int shard = 0; shard < numShards; shard++) {
            final int s = shard;
            ShardVectorsAction.INSTANCE.execute(client, index, shard, field, new ShardVectorsAction.Params(idField),
                group.map(r -> new ShardResult(s, r)));
        }
    }

    private static IndexDocuments assemble(String index, String idField, String field, Collection<ShardVectorsAction.Result> shards) {
        Map<String, Doc> byName = new HashMap<>();
        List<String> names = new ArrayList<>();
        int dims = 0;
        String similarity = null;
        for (ShardVectorsAction.Result shard : shards) {
            if (shard.dims() > 0) {
                if (dims > 0 && dims != shard.dims()) {
                    throw new ElasticsearchStatusException("[{}] of index [{}] holds vectors of {} and of {} dimensions", RestStatus.BAD_REQUEST,
                        field, index, dims, shard.dims());
                }
                dims = shard.dims();
                similarity = shard.similarity();
            }
            float[] vectors = shard.vectors();
            int[] vectorDocs = shard.vectorDocs();
            int row = 0;
            for (int i = 0; i < shard.names().length; i++) {
                float[] vector = null;
                if (row < vectorDocs.length && vectorDocs[row] == i) {
                    vector = new float[shard.dims()];
                    System.arraycopy(vectors, row * shard.dims(), vector, 0, shard.dims());
                    row++;
                }
                String name = shard.names()[i];
                Doc previous = byName.put(name, new Doc(shard.ids()[i], vector));
                if (previous != null) {
                    throw new ElasticsearchStatusException("name [{}] belongs to two documents of index [{}] ([{}] and [{}], [id_field] [{}]); "
                        + "names must be unique", RestStatus.BAD_REQUEST, name, index, previous.id(), shard.ids()[i], idField);
                }
                names.add(name);
            }
        }
        return new IndexDocuments(index, idField, byName, List.copyOf(names), dims, similarity);
    }

    public String index() {
        return index;
    }

    public String idField() {
        return idField;
    }

    /** Names in shard and Lucene order. */
    public List<String> names() {
        return names;
    }

    /** The document of a name, or null. */
    public Doc doc(String name) {
        return byName.get(name);
    }

    /** Dimension of the vectors read (0 when none). */
    public int dims() {
        return dims;
    }

    /** Lucene similarity of the field ({@code dot_product}, {@code cosine}, {@code euclidean}, {@code maximum_inner_product}), or null. */
    public String similarity() {
        return similarity;
    }

    /** The heap this holds: per document its name, id and entry (about 200 bytes) and its vector. */
    public long heldBytes() {
        return (long) names.size() * (200L + 4L * Math.max(0, dims));
    }

    /**
     * The vectors of {@code queryNames}, in that order, one after the other; a 400 lists the
     * names that are not in the index or have no vector in {@code field}.
     *
     * @param source what names the queries, for messages ({@code ground truth [oxford5k]})
     */
    public float[] vectorsOf(List<String> queryNames, String source, String field) {
        List<String> missing = new ArrayList<>();
        List<String> withoutVector = new ArrayList<>();
        float[] vectors = new float[queryNames.size() * dims];
        for (int q = 0; q < queryNames.size(); q++) {
            Doc doc = doc(queryNames.get(q));
            if (doc == null) {
                missing.add(queryNames.get(q));
            } else if (doc.vector() == null) {
                withoutVector.add(queryNames.get(q));
            } else {
                System.arraycopy(doc.vector(), 0, vectors, q * dims, dims);
            }
        }
        if (missing.isEmpty() == false) {
            throw new ElasticsearchStatusException("{} of {} query documents of {} are not in index [{}] (by [id_field] [{}]): {}",
                RestStatus.BAD_REQUEST, missing.size(), queryNames.size(), source, index, idField, first(missing));
        }
        if (withoutVector.isEmpty() == false) {
            throw new ElasticsearchStatusException("{} query documents of index [{}] have no vector in [{}]: {}", RestStatus.BAD_REQUEST,
                withoutVector.size(), index, field, first(withoutVector));
        }
        return vectors;
    }

    private static List<String> first(List<String> names) {
        return names.subList(0, Math.min(10, names.size()));
    }
}
