package org.instanceretrieval.es.store;

import org.elasticsearch.rest.RestHandler.Route;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.test.ESTestCase;
import org.instanceretrieval.es.groundtruth.GroundTruthIndex;
import org.instanceretrieval.es.model.ModelIndex;
import org.instanceretrieval.es.whitening.WhiteningIndex;

import java.util.List;

/**
 * The names every stored-item kind derives are the ones its endpoints always had (privileges name the
 * actions, clients the paths): written out here by hand, kind by kind.
 */
public class StoredItemEndpointsTests extends ESTestCase {

    private static void assertEndpoints(StoredItemKind<?> kind, String getAction, String deleteAction, String handlerSuffix, String path,
        String idParameter, String listField, String index) {
        assertEquals(getAction, kind.getActionName());
        assertEquals(deleteAction, kind.deleteActionName());
        assertEquals(idParameter, kind.idParameter());
        assertEquals(listField, kind.listField());
        assertEquals(index, kind.index());
        RestGetStoredItemsAction get = new RestGetStoredItemsAction(kind);
        assertEquals("retrieval_get_" + handlerSuffix, get.getName());
        assertEquals(List.of(RestRequest.Method.GET, RestRequest.Method.GET), get.routes().stream().map(Route::getMethod).toList());
        assertEquals(List.of(path, path + "/{" + idParameter + "}"), get.routes().stream().map(Route::getPath).toList());
        RestDeleteStoredItemAction delete = new RestDeleteStoredItemAction(kind);
        assertEquals("retrieval_delete_" + handlerSuffix, delete.getName());
        assertEquals(List.of(RestRequest.Method.DELETE), delete.routes().stream().map(Route::getMethod).toList());
        assertEquals(List.of(path + "/{" + idParameter + "}"), delete.routes().stream().map(Route::getPath).toList());
    }

    public void testModels() {
        assertEndpoints(ModelIndex.KIND, "cluster:monitor/retrieval/model/get", "cluster:admin/retrieval/model/delete", "model",
            "/_retrieval/model", "model_id", "models", ".retrieval-models-1");
        assertEquals("cluster:monitor/retrieval/model/get", StoredItemActions.GET_MODEL.name());
        assertEquals("cluster:admin/retrieval/model/delete", StoredItemActions.DELETE_MODEL.name());
        assertEquals("model [m-1] not found", ModelIndex.KIND.notFound("m-1").getMessage());
        assertEquals("model [m-1] already exists; models are immutable: put the new version under a new id, or delete this one first",
            ModelIndex.KIND.alreadyExists("m-1").getMessage());
    }

    public void testWhitenings() {
        assertEndpoints(WhiteningIndex.KIND, "cluster:monitor/retrieval/whitening/get", "cluster:admin/retrieval/whitening/delete",
            "whitening", "/_retrieval/whitening", "whitening_id", "whitenings", ".retrieval-whitening-1");
        assertEquals("cluster:monitor/retrieval/whitening/get", StoredItemActions.GET_WHITENING.name());
        assertEquals("cluster:admin/retrieval/whitening/delete", StoredItemActions.DELETE_WHITENING.name());
        assertEquals("whitening [w] not found", WhiteningIndex.KIND.notFound("w").getMessage());
        assertEquals("whitening [w] already exists; whitenings are immutable: learn the new version under a new id, or delete this one first",
            WhiteningIndex.KIND.alreadyExists("w").getMessage());
    }

    public void testGroundTruths() {
        assertEndpoints(GroundTruthIndex.KIND, "cluster:monitor/retrieval/ground_truth/get", "cluster:admin/retrieval/ground_truth/delete",
            "ground_truth", "/_retrieval/ground_truth", "ground_truth_id", "ground_truths", ".retrieval-ground-truth-1");
        assertEquals("cluster:monitor/retrieval/ground_truth/get", StoredItemActions.GET_GROUND_TRUTH.name());
        assertEquals("cluster:monitor/retrieval/ground_truth/get", StoredItemActions.GET_GROUND_TRUTH.name());
        assertEquals("cluster:admin/retrieval/ground_truth/delete", StoredItemActions.DELETE_GROUND_TRUTH.name());
        assertEquals("ground truth [gt] not found", GroundTruthIndex.KIND.notFound("gt").getMessage());
        assertEquals(
            "ground truth [gt] already exists; ground truths are immutable: put the new version under a new id, or delete this one first",
            GroundTruthIndex.KIND.alreadyExists("gt").getMessage());
    }
}
