package org.instanceretrieval.es.eval;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.DocWriteRequest;
import org.elasticsearch.action.admin.indices.rollover.RolloverAction;
import org.elasticsearch.action.admin.indices.rollover.RolloverRequest;
import org.elasticsearch.action.admin.indices.template.put.TransportPutComposableIndexTemplateAction;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.ComposableIndexTemplate;
import org.elasticsearch.cluster.metadata.Template;
import org.elasticsearch.common.compress.CompressedXContent;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.rest.RestStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history of evaluation runs: the data stream {@value #DATA_STREAM}. A recorded run writes
 * one {@code doc_type: run_started} document before any work, then one summary document
 * ({@code doc_type: run}) and one document per query ({@code doc_type: query}) when it ends; the
 * same {@code run_id} ties them, and a start without a summary is a run that failed or died.
 * <p>
 * Documents are written as the caller: recording needs {@code create_doc} (or {@code write}) on
 * {@value #DATA_STREAM}, and a caller without it gets the 403 from the start document, before the
 * evaluation reads anything. The composable index template {@value #TEMPLATE} is the plugin's
 * own: it is installed by the plugin's internal client (caller's context stashed) when a run is
 * recorded and the cluster does not have it (or has an older {@code version}, which it replaces,
 * rolling the data stream over). Not at startup on
 * purpose: a template that reappears after being deleted (as test clusters delete every template
 * between tests) is an unexpected object for them.
 */
public final class EvalRuns {

    public static final String DATA_STREAM = "retrieval-eval-runs";
    public static final String TEMPLATE = "retrieval-eval-runs";
    /** Version 2 maps every metric of every protocol explicitly ({@link EvalRunsMapping}); version 1 left them to dynamic mapping. */
    public static final long TEMPLATE_VERSION = 2;

    static final String MAPPINGS = EvalRunsMapping.json();

    /** Copied from a run's summary into each of its start and query documents. */
    private static final List<String> RUN_KEYS = List.of("@timestamp", "run_id", "name", "index", "ground_truth", "protocol", "engine");

    private final Client internal;

    /** @param internal the plugin's client for its own objects (the template), with the caller's context stashed */
    public EvalRuns(Client internal) {
        this.internal = internal;
    }

    static ComposableIndexTemplate template() {
        try {
            return ComposableIndexTemplate.builder()
                .indexPatterns(List.of(DATA_STREAM + "*"))
                .template(new Template(Settings.builder().put("index.hidden", false).build(), new CompressedXContent(MAPPINGS), null))
                .dataStreamTemplate(new ComposableIndexTemplate.DataStreamTemplate())
                .priority(200L)
                .version(TEMPLATE_VERSION)
                .metadata(Map.of("description", "history of _retrieval_eval runs (instance-retrieval plugin)", "managed", true))
                .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean installed(ClusterState state) {
        ComposableIndexTemplate existing = state.metadata().templatesV2().get(TEMPLATE);
        return existing != null && existing.version() != null && existing.version() >= TEMPLATE_VERSION;
    }

    /**
     * Puts the template unless the state already has it (this version or a newer one). When the
     * data stream already exists (its write index mapped by an older template, or by none), it is
     * then rolled over, so that this run and later ones are written to a backing index with this
     * template's mappings; older backing indices keep theirs.
     */
    public void ensureTemplate(ClusterState state, ActionListener<Void> listener) {
        if (installed(state)) {
            listener.onResponse(null);
            return;
        }
        TransportPutComposableIndexTemplateAction.Request put = new TransportPutComposableIndexTemplateAction.Request(TEMPLATE)
            .indexTemplate(template())
            .cause("instance-retrieval plugin: history of _retrieval_eval runs");
        boolean exists = state.metadata().dataStreams().containsKey(DATA_STREAM);
        internal.execute(TransportPutComposableIndexTemplateAction.TYPE, put, listener.delegateFailureAndWrap((l, r) -> {
            if (exists == false) {
                l.onResponse(null);
                return;
            }
            internal.execute(RolloverAction.INSTANCE, new RolloverRequest(DATA_STREAM, null), l.map(rolled -> null));
        }));
    }

    /**
     * Writes the start of a run as {@code caller}: the keys of {@link #RUN_KEYS} and the request's
     * {@code configuration} taken from {@code run}, {@code doc_type: run_started}.
     */
    public static void start(Client caller, Map<String, Object> run, ActionListener<Void> listener) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (String key : RUN_KEYS) {
            doc.put(key, run.get(key));
        }
        doc.put("configuration", run.get("configuration"));
        doc.put("doc_type", "run_started");
        caller.index(new IndexRequest(DATA_STREAM).opType(DocWriteRequest.OpType.CREATE).source(doc), listener.map(r -> null));
    }

    /**
     * Writes a run (summary and per-query documents) with one bulk request, visible to search
     * when the listener is called.
     */
    public static void record(Client client, Map<String, Object> summary, List<Map<String, Object>> queries, ActionListener<Void> listener) {
        BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        Map<String, Object> run = new LinkedHashMap<>(summary);
        run.remove("queries");
        run.put("doc_type", "run");
        bulk.add(new IndexRequest(DATA_STREAM).opType(DocWriteRequest.OpType.CREATE).source(run));
        for (Map<String, Object> query : queries) {
            Map<String, Object> doc = new LinkedHashMap<>();
            for (String key : RUN_KEYS) {
                doc.put(key, summary.get(key));
            }
            doc.put("doc_type", "query");
            query.forEach((k, v) -> {
                if (v != null) {
                    doc.put(k.replace('@', '_'), v); // p@10 -> p_10: Kibana field names without '@'
                }
            });
            bulk.add(new IndexRequest(DATA_STREAM).opType(DocWriteRequest.OpType.CREATE).source(doc));
        }
        client.bulk(bulk, listener.map(response -> {
            if (response.hasFailures()) {
                throw new ElasticsearchStatusException("recording the run in [{}] failed: {}", RestStatus.INTERNAL_SERVER_ERROR, DATA_STREAM,
                    response.buildFailureMessage());
            }
            return null;
        }));
    }
}
