package org.instanceretrieval.es.vectors;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.ClosePointInTimeRequest;
import org.elasticsearch.action.search.OpenPointInTimeRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.TransportClosePointInTimeAction;
import org.elasticsearch.action.search.TransportOpenPointInTimeAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.ParentTaskAssigningClient;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.common.xcontent.support.XContentMapValues;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.index.mapper.RoutingFieldMapper;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.PointInTimeBuilder;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.sort.SortBuilders;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.TaskCancelledException;
import org.elasticsearch.tasks.TaskId;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

import org.instanceretrieval.memory.Reservation;

/**
 * Reads the vectors of a {@code dense_vector} field from the {@code _source} of the documents
 * matching a query, in pages of {@value #PAGE_SIZE} over a point in time with
 * {@code search_after}, in the point in time's tiebreaker order ({@code _shard_doc}: shard by
 * shard, Lucene document order within a shard). That order is deterministic for an index that
 * does not change, and the first {@code limit} documents in it are the ones read.
 * <p>
 * Between pages it checks the task for cancellation and reports the number of vectors read.
 * The page searches are child requests of the task (cancelled with it); opening and closing the
 * point in time are not, so that the point in time is closed in every outcome (a child request
 * of a cancelled task is refused, which would leave the point in time open until it expires).
 * Requests run with the caller's context (through the given client), so the caller needs
 * {@code read} on the index.
 * <p>
 * Every vector is charged to the caller's {@link Reservation} ({@link #bytesPerVector}) before it is
 * built, so a collection that does not fit the {@code retrieval} breaker fails the read with 429
 * instead of filling the heap. The caller owns the reservation and closes it when the vectors are gone.
 */
public final class FieldVectorReader {

    public static final int PAGE_SIZE = 1000;
    static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(1);

    /**
     * One document's vector (not normalised) with the index, id and custom routing (null when the
     * document has none) it came from.
     */
    public record DocVector(String index, String id, String routing, float[] vector) {}

    private final Client client;
    private final Client childClient;
    private final CancellableTask task;
    private final String index;
    private final String field;
    private final QueryBuilder query;
    private final int limit;
    private final LongConsumer progress;
    private final Reservation memory;

    /**
     * @param client   a client with the caller's context, not tied to the task
     * @param taskId   the task's id, the parent of the page searches
     * @param limit    the most vectors to read
     * @param progress told the number of vectors read after each page
     * @param memory   grown by {@link #bytesPerVector} before each vector is built
     */
    public FieldVectorReader(Client client, CancellableTask task, TaskId taskId, String index, String field, QueryBuilder query,
        int limit, LongConsumer progress, Reservation memory) {
        this.client = client;
        this.childClient = new ParentTaskAssigningClient(client, taskId);
        this.task = task;
        this.index = index;
        this.field = field;
        this.query = query;
        this.limit = limit;
        this.progress = progress;
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /**
     * The heap one read vector of {@code dims} floats holds: its array, its {@link DocVector} and list slot, and
     * its id (up to 64 bytes are assumed; longer ids are counted as they are).
     */
    public static long bytesPerVector(int dims, String id) {
        long idBytes = 40L + 2L * Math.max(64, id.length());
        return 16L + 4L * dims + 32L + 8L + idBytes;
    }

    /** Reads up to {@code limit} vectors; all of one dimension, or a 400 naming the document. */
    public void read(ActionListener<List<DocVector>> listener) {
        OpenPointInTimeRequest open = new OpenPointInTimeRequest(index).keepAlive(KEEP_ALIVE);
        client.execute(TransportOpenPointInTimeAction.TYPE, open, listener.delegateFailureAndWrap((l, opened) -> {
            List<DocVector> out = new ArrayList<>();
            page(opened.getPointInTimeId(), null, out, ActionListener.wrap(pit -> close(pit, () -> l.onResponse(out)), e -> {
                close(opened.getPointInTimeId(), () -> l.onFailure(e));
            }));
        }));
    }

    /** Closes the point in time, then runs {@code then} whether the close worked or not. */
    private void close(BytesReference pit, Runnable then) {
        client.execute(TransportClosePointInTimeAction.TYPE, new ClosePointInTimeRequest(pit), ActionListener.running(then));
    }

    /** Reads pages until done; completes with the last point-in-time id. */
    private void page(BytesReference pit, Object[] after, List<DocVector> out, ActionListener<BytesReference> listener) {
        if (task.isCancelled()) {
            listener.onFailure(new TaskCancelledException("[" + task.getDescription() + "] cancelled: " + task.getReasonCancelled()));
            return;
        }
        int size = Math.min(PAGE_SIZE, limit - out.size());
        SearchSourceBuilder source = new SearchSourceBuilder().pointInTimeBuilder(new PointInTimeBuilder(pit).setKeepAlive(KEEP_ALIVE))
            .query(query)
            .size(size)
            .sort(SortBuilders.pitTiebreaker())
            .fetchSource(new String[] { field }, null)
            .trackTotalHits(false);
        if (after != null) {
            source.searchAfter(after);
        }
        childClient.search(new SearchRequest().source(source), listener.delegateFailureAndWrap((l, response) -> {
            SearchHit[] hits = response.getHits().getHits();
            for (SearchHit hit : hits) {
                float[] vector = vectorOf(hit);
                if (vector != null) {
                    requireSameDimension(out, hit, vector);
                    DocumentField routing = hit.field(RoutingFieldMapper.NAME);
                    out.add(new DocVector(hit.getIndex(), hit.getId(), routing == null ? null : routing.getValue(), vector));
                }
            }
            progress.accept(out.size());
            BytesReference next = Objects.requireNonNullElse(response.pointInTimeId(), pit);
            if (hits.length < size || out.size() >= limit) {
                l.onResponse(next);
            } else {
                page(next, hits[hits.length - 1].getSortValues(), out, l);
            }
        }));
    }

    private void requireSameDimension(List<DocVector> out, SearchHit hit, float[] vector) {
        if (out.isEmpty() == false && out.get(0).vector().length != vector.length) {
            throw new ElasticsearchStatusException("document [{}] of index [{}] has a [{}] vector of dimension {}, document [{}] one of {}",
                RestStatus.BAD_REQUEST, hit.getId(), hit.getIndex(), field, vector.length, out.get(0).id(), out.get(0).vector().length);
        }
    }

    /** The field's vector in the hit's source, null when the source does not hold it. */
    private float[] vectorOf(SearchHit hit) {
        Object value = XContentMapValues.extractValue(field, hit.getSourceAsMap());
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && list.isEmpty() == false) {
            memory.grow(bytesPerVector(list.size(), hit.getId()), "vectors of [" + field + "] gathered from index [" + index + "]");
            float[] v = new float[list.size()];
            for (int i = 0; i < v.length; i++) {
                if (list.get(i) instanceof Number n) {
                    v[i] = n.floatValue();
                } else {
                    throw notAVector(hit);
                }
            }
            return v;
        }
        throw notAVector(hit);
    }

    private ElasticsearchStatusException notAVector(SearchHit hit) {
        return new ElasticsearchStatusException("document [{}] of index [{}]: the [{}] value in its _source is not an array of numbers",
            RestStatus.BAD_REQUEST, hit.getId(), hit.getIndex(), field);
    }
}
