package org.instanceretrieval.es.diffusion;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.es.graph.GraphMarker;

import static org.hamcrest.Matchers.containsString;

/** Which graph each {@code graph} option picks for every marker state, and the error of {@code stored} in each unusable case. */
public class StoredGraphCheckTests extends ESTestCase {

    private static GraphMarker marker(String field, int k, String state) {
        return new GraphMarker(field, k, "exact", state, "node-1:42", 1L, GraphMarker.DONE.equals(state) ? 2L : null, null,
            GraphMarker.FAILED.equals(state) ? "node left" : null);
    }

    public void testWindowNeverUsesTheStoredGraph() {
        assertNull(StoredGraphCheck.resolve(marker("v", 50, GraphMarker.DONE), "idx", "v", 10, GraphSource.WINDOW));
    }

    public void testUsableGraphIsUsedByStoredAndAuto() {
        GraphMarker done = marker("v", 50, GraphMarker.DONE);
        assertSame(done, StoredGraphCheck.resolve(done, "idx", "v", 50, GraphSource.STORED));
        assertSame(done, StoredGraphCheck.resolve(done, "idx", "v", 1, GraphSource.AUTO));
    }

    public void testAutoFallsBackAndStoredExplains() {
        Object[][] cases = {
            { null, 400, "index [idx] has no neighbour graph for field [v]: build one with POST idx/_retrieval/graph/_build" },
            { marker("w", 50, GraphMarker.DONE), 400, "was built for field [w], not for field [v]" },
            { marker("v", 50, GraphMarker.RUNNING), 409, "for field [v] is being built (task [node-1:42])" },
            { marker("v", 50, GraphMarker.FAILED), 400, "is [failed] (task [node-1:42], reason [node left]): rebuild it" },
            { marker("v", 20, GraphMarker.DONE), 400, "[k] is [30] but the neighbour graph of index [idx] for field [v] stores only k [20]" } };
        for (Object[] c : cases) {
            GraphMarker m = (GraphMarker) c[0];
            assertNull(String.valueOf(m), StoredGraphCheck.resolve(m, "idx", "v", 30, GraphSource.AUTO));
            Exception e = expectThrows(Exception.class, () -> StoredGraphCheck.resolve(m, "idx", "v", 30, GraphSource.STORED));
            int status = e instanceof ElasticsearchStatusException s ? s.status().getStatus()
                : e instanceof IllegalArgumentException ? RestStatus.BAD_REQUEST.getStatus() : -1;
            assertEquals(e.getMessage(), c[1], status);
            assertThat(e.getMessage(), containsString(c[2].toString()));
        }
    }

    public void testMarkerIsReadFromTheMappingMetaAndAMalformedOneIsOnlyAnErrorForStored() {
        IndexMetadata done = IndexMetadata.builder("idx").settings(indexSettings(IndexVersion.current(), 1, 0)).putMapping("""
            {"_doc": {"_meta": {"retrieval_graph": {"field": "v", "k": 7, "method": "exact", "state": "done", "task": "n:1",
             "started_at": 1, "completed_at": 2, "doc_count": 3}}}}""").build();
        GraphMarker read = StoredGraphCheck.marker(done, GraphSource.AUTO);
        assertEquals("v", read.field());
        assertEquals(7, read.k());
        assertTrue(read.isDone());
        assertNull(StoredGraphCheck.marker(done, GraphSource.WINDOW));
        IndexMetadata malformed = IndexMetadata.builder("idx").settings(indexSettings(IndexVersion.current(), 1, 0))
            .putMapping("{\"_doc\": {\"_meta\": {\"retrieval_graph\": {\"field\": \"v\"}}}}").build();
        assertNull(StoredGraphCheck.marker(malformed, GraphSource.AUTO));
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> StoredGraphCheck.marker(malformed, GraphSource.STORED));
        assertThat(e.getMessage(), containsString("the [_meta.retrieval_graph] marker of index [idx] is malformed"));
        IndexMetadata none = IndexMetadata.builder("idx").settings(indexSettings(IndexVersion.current(), 1, 0)).build();
        assertNull(StoredGraphCheck.marker(none, GraphSource.STORED));
    }
}
