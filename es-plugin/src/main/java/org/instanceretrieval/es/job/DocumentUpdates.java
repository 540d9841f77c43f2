package org.instanceretrieval.es.job;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.bulk.BulkItemResponse;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.update.UpdateRequest;
import org.elasticsearch.index.engine.DocumentMissingException;
import org.elasticsearch.rest.RestStatus;

import java.util.Map;

/**
 * How a job writes its per-document results into the documents it read (neighbour lists, offline diffusion rows, augmented
 * vectors, cleared lists): a partial update by {@code _id} with the document's custom routing, retried
 * {@value #RETRY_ON_CONFLICT} times when it meets a concurrent change of the document; in a bulk's answer a document deleted since
 * it was read (document missing) is skipped, and any other failed item fails the job with a 500 naming it.
 */
public final class DocumentUpdates {

    /** Retries of an update that meets a concurrent change of its document (a version conflict). */
    public static final int RETRY_ON_CONFLICT = 3;

    private DocumentUpdates() {}

    /** The partial update setting {@code doc} in document {@code id} of {@code index}, routed by {@code routing} (null: none). */
    public static UpdateRequest update(String index, String id, String routing, Map<String, Object> doc) {
        return new UpdateRequest(index, id).routing(routing).retryOnConflict(RETRY_ON_CONFLICT).doc(doc);
    }

    /**
     * Which items of a bulk of such updates were written: {@code written[i]} for the request's item i; false for a document
     * deleted since it was read.
     *
     * @param action what the updates do, for the error ({@code "writing the neighbour list"})
     * @param field  the field they write, for the error
     * @throws ElasticsearchStatusException 500 {@code "<action> of document [<id>] in [<field>] failed: <reason>"} for the first
     *     item that failed otherwise
     */
    public static boolean[] written(BulkResponse response, String action, String field) {
        boolean[] written = new boolean[response.getItems().length];
        for (BulkItemResponse item : response.getItems()) {
            if (item.isFailed() == false) {
                written[item.getItemId()] = true;
            } else if (ExceptionsHelper.unwrapCause(item.getFailure().getCause()) instanceof DocumentMissingException == false) {
                throw new ElasticsearchStatusException("{} of document [{}] in [{}] failed: {}", RestStatus.INTERNAL_SERVER_ERROR,
                    item.getFailure().getCause(), action, item.getId(), field, item.getFailureMessage());
            }
        }
        return written;
    }

    /** The number of items {@link #written} marks. */
    public static int count(boolean[] written) {
        int n = 0;
        for (boolean w : written) {
            n += w ? 1 : 0;
        }
        return n;
    }
}
