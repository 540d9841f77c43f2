package org.instanceretrieval.es.graph;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.client.internal.Client;
import org.instanceretrieval.es.job.DocumentUpdates;
import org.instanceretrieval.graph.NeighbourList;
import org.instanceretrieval.graph.NeighbourListCodec;
import org.instanceretrieval.neighbours.Neighbours;

import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes the neighbour lists of a block of documents ({@link GraphFields}): for each, a partial update ({@link DocumentUpdates}:
 * custom routing kept, retried on version conflicts) setting {@code retrieval_graph.<field>} to the base64 of
 * {@link NeighbourListCodec} bytes, in bulk requests of {@value #BULK_SIZE}, one after the other. A document deleted since the
 * build read it is skipped (not counted); any other failed update fails the write with a 500 naming it. Counts the lists
 * written. Not thread-safe for concurrent blocks.
 */
final class GraphListWriter {

    static final int BULK_SIZE = 500;

    private final Client client;
    private final String index;
    private final String field;
    private final CollectionIds ids;
    private final AtomicLong written = new AtomicLong();

    /** @param client the job's client (the caller's privileges, the task as parent) */
    GraphListWriter(Client client, String index, String field, CollectionIds ids) {
        this.client = client;
        this.index = index;
        this.field = field;
        this.ids = ids;
    }

    /** Lists written so far. */
    long written() {
        return written.get();
    }

    /** The stored list of a computed one: ordinals become {@code _id}s, in the same (ranking) order. */
    NeighbourList toList(Neighbours computed) {
        String[] names = new String[computed.size()];
        float[] sims = new float[computed.size()];
        for (int t = 0; t < names.length; t++) {
            names[t] = ids.id(computed.id(t));
            sims[t] = computed.score(t);
        }
        return new NeighbourList(names, sims);
    }

    /**
     * Writes {@code lists[r]} to the document of {@code ordinals[r]}; {@code cancelled} is checked between bulks.
     */
    void write(int[] ordinals, NeighbourList[] lists, BooleanSupplier cancelled, ActionListener<Void> listener) {
        writeFrom(ordinals, lists, 0, cancelled, listener);
    }

    private void writeFrom(int[] ordinals, NeighbourList[] lists, int from, BooleanSupplier cancelled, ActionListener<Void> listener) {
        if (from >= ordinals.length || cancelled.getAsBoolean()) {
            listener.onResponse(null); // the caller checks the cancellation and fails
            return;
        }
        int to = Math.min(ordinals.length, from + BULK_SIZE);
        BulkRequest bulk = new BulkRequest();
        for (int r = from; r < to; r++) {
            String encoded = Base64.getEncoder().encodeToString(NeighbourListCodec.encode(lists[r]));
            bulk.add(DocumentUpdates.update(index, ids.id(ordinals[r]), ids.routing(ordinals[r]),
                Map.of(GraphFields.NEIGHBOURS_ROOT, Map.of(field, encoded))));
        }
        client.bulk(bulk, listener.delegateFailureAndWrap((l, response) -> {
            written.addAndGet(DocumentUpdates.count(DocumentUpdates.written(response, "writing the neighbour list",
                GraphFields.neighbours(field))));
            writeFrom(ordinals, lists, to, cancelled, l);
        }));
    }
}
