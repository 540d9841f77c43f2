package org.instanceretrieval.es.job;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.action.DocWriteRequest;
import org.elasticsearch.action.DocWriteResponse;
import org.elasticsearch.action.bulk.BulkItemResponse;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.update.UpdateRequest;
import org.elasticsearch.action.update.UpdateResponse;
import org.elasticsearch.index.engine.DocumentMissingException;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;

import java.util.Map;

/**
 * {@link DocumentUpdates}: the update carries the routing and the conflict retries; in a bulk's answer written items are
 * marked, a missing document is skipped and any other failure is a 500 naming the document and the field.
 */
public class DocumentUpdatesTests extends ESTestCase {

    private static final ShardId SHARD = new ShardId("idx", "uuid", 0);

    private static BulkItemResponse ok(int item, String id) {
        return BulkItemResponse.success(item, DocWriteRequest.OpType.UPDATE,
            new UpdateResponse(SHARD, id, 1, 1, 2, DocWriteResponse.Result.UPDATED));
    }

    private static BulkItemResponse failed(int item, String id, Exception cause) {
        return BulkItemResponse.failure(item, DocWriteRequest.OpType.UPDATE, new BulkItemResponse.Failure("idx", id, cause));
    }

    public void testUpdateCarriesRoutingAndRetries() {
        UpdateRequest update = DocumentUpdates.update("idx", "7", "r3", Map.of("f", 1));
        assertEquals("idx", update.index());
        assertEquals("7", update.id());
        assertEquals("r3", update.routing());
        assertEquals(3, update.retryOnConflict());
        assertEquals(Map.of("f", 1), update.doc().sourceAsMap());
        assertNull(DocumentUpdates.update("idx", "7", null, Map.of("f", 1)).routing());
    }

    public void testMissingDocumentsAreSkipped() {
        BulkResponse response = new BulkResponse(new BulkItemResponse[] { ok(0, "a"),
            failed(1, "b", new DocumentMissingException(SHARD, "b")), ok(2, "c") }, 1);
        boolean[] written = DocumentUpdates.written(response, "writing the row", "rows.v");
        assertArrayEquals(new boolean[] { true, false, true }, written);
        assertEquals(2, DocumentUpdates.count(written));
    }

    public void testOtherFailuresAreA500NamingTheDocument() {
        BulkResponse response = new BulkResponse(new BulkItemResponse[] { ok(0, "a"),
            failed(1, "b", new VersionConflictEngineException(SHARD, "b", "version conflict")) }, 1);
        ElasticsearchStatusException e = expectThrows(ElasticsearchStatusException.class,
            () -> DocumentUpdates.written(response, "writing the row", "rows.v"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertTrue(e.getMessage(), e.getMessage().startsWith("writing the row of document [b] in [rows.v] failed: "));
    }
}
