package org.instanceretrieval.es.job;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.admin.indices.mapping.get.GetFieldMappingsResponse.FieldMappingMetadata;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.client.internal.ParentTaskAssigningClient;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.es.vectors.FieldVectorReader;
import org.instanceretrieval.es.vectors.FieldVectorReader.DocVector;
import org.instanceretrieval.memory.Reservation;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Runs a long job on the node that received it ({@link JobRequest}, {@link JobTask}). The transport thread only starts the job:
 * {@link #execute} must not block; reads and writes go through {@link Job#client()} (the caller's privileges, the task as parent,
 * so cancelling the task cancels them) and computations run on {@link #generic} with {@link JobTask#checkCancelled} between
 * steps. The listener gets the job's response, or its error: a 400 ({@link #badRequest}) naming the field, the value and the
 * rule, Elasticsearch's 404 for a missing index, 429 from the circuit breakers.
 *
 * @param <R> the job's request
 * @param <S> the job's response
 */
public abstract class TransportJobAction<R extends JobRequest<?>, S extends ActionResponse> extends HandledTransportAction<R, S> {

    /**
     * One running job.
     *
     * @param task   its task
     * @param id     the task's id on this node (parent of the job's requests, shown in markers)
     * @param client a client whose requests carry the task as parent
     */
    public record Job(JobTask task, TaskId id, Client client) {

        /** Phase {@code refreshing}: refreshes {@code index} through {@link #client()}; a 500 naming the count when shards failed. */
        public void refresh(String index, ActionListener<Void> listener) {
            task.phase("refreshing");
            client.admin().indices().refresh(new RefreshRequest(index), listener.map(r -> {
                if (r.getFailedShards() > 0) {
                    throw new ElasticsearchStatusException("refresh of [{}] failed on {} shards", RestStatus.INTERNAL_SERVER_ERROR, index,
                        r.getFailedShards());
                }
                return null;
            }));
        }
    }

    protected final Client client;
    protected final ClusterService clusterService;
    /** The pool of the job's computations. */
    protected final Executor generic;

    protected TransportJobAction(String name, TransportService transportService, ActionFilters actionFilters, Writeable.Reader<R> reader,
        Client client, ClusterService clusterService) {
        super(name, transportService, actionFilters, reader, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
        this.clusterService = clusterService;
        this.generic = transportService.getThreadPool().executor(ThreadPool.Names.GENERIC);
    }

    @Override
    protected final void doExecute(Task task, R request, ActionListener<S> listener) {
        TaskId id = new TaskId(clusterService.localNode().getId(), task.getId());
        execute(new Job((JobTask) task, id, new ParentTaskAssigningClient(client, id)), request, listener);
    }

    /** Starts the job; completes {@code listener} once, with the response or the error. */
    protected abstract void execute(Job job, R request, ActionListener<S> listener);

    /** A 400 with Elasticsearch's {@code {}} placeholders. */
    protected static ElasticsearchStatusException badRequest(String message, Object... args) {
        return new ElasticsearchStatusException(message, RestStatus.BAD_REQUEST, args);
    }

    /**
     * Checks that {@code field} (the request's {@code key}) is a {@code dense_vector} of {@code index} with one of
     * {@code elementTypes} (unset means float) and returns its {@code dims}, -1 when not yet set.
     *
     * @param elementRule what the job needs, after {@code has element_type [..]; } in the error
     */
    protected static int denseVectorDims(String key, String field, String index, Map<String, FieldMappingMetadata> fields,
        Set<String> elementTypes, String elementRule) {
        FieldMappingMetadata meta = fields.get(field);
        if (meta == null) {
            throw badRequest("[{}] [{}] is not mapped in index [{}]", key, field, index);
        }
        Object leaf = meta.sourceAsMap().values().stream().findFirst().orElse(null);
        Map<?, ?> mapping = leaf instanceof Map<?, ?> m ? m : Map.of();
        Object type = mapping.get("type");
        if ("dense_vector".equals(type) == false) {
            throw badRequest("[{}] [{}] of index [{}] is of type [{}], not [dense_vector]", key, field, index, type);
        }
        VectorFieldInfo info = VectorFieldInfo.fromDefinition(field, mapping);
        if (elementTypes.contains(info.elementType()) == false) {
            throw badRequest("[{}] [{}] of index [{}] has element_type [{}]; " + elementRule, key, field, index, mapping.get("element_type"));
        }
        return info.dims() == null ? -1 : info.dims();
    }

    /** What {@link #readAllVectors} continues with, on {@link #generic}. */
    @FunctionalInterface
    protected interface WithVectors<S> {
        void accept(List<DocVector> docs, long docsWithoutField, ActionListener<S> listener) throws Exception;
    }

    /**
     * Reads every vector of {@code field} in {@code index} with their {@code _id}s and routing ({@link FieldVectorReader}, as the
     * caller, charged to {@code memory}; phase {@code reading}, counter {@code vectors_read}, which the job must declare), fails
     * with a 400 when there is none, counts the documents without the field, and continues with {@code then} on {@link #generic}.
     */
    protected void readAllVectors(Job job, String index, String field, Reservation memory, ActionListener<S> listener, WithVectors<S> then) {
        job.task().phase("reading");
        new FieldVectorReader(client, job.task(), job.id(), index, field, QueryBuilders.existsQuery(field), Integer.MAX_VALUE,
            job.task().counter("vectors_read"), memory).read(listener.delegateFailureAndWrap((l, docs) -> {
                if (docs.isEmpty()) {
                    throw badRequest("no vectors: no document of [{}] has a vector in [{}]", index, field);
                }
                SearchSourceBuilder without = new SearchSourceBuilder().size(0)
                    .trackTotalHits(true)
                    .query(QueryBuilders.boolQuery().mustNot(QueryBuilders.existsQuery(field)));
                job.client().search(new SearchRequest(index).source(without), l.delegateFailureAndWrap((l2, counted) -> {
                    long skipped = counted.getHits().getTotalHits().value; // read now: the response is released once this returns
                    generic.execute(ActionRunnable.wrap(l2, l3 -> then.accept(docs, skipped, l3)));
                }));
            }));
    }
}
