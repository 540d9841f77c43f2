package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.Table;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.action.RestResponseListener;
import org.elasticsearch.rest.action.cat.AbstractCatAction;
import org.elasticsearch.rest.action.cat.RestTable;
import org.instanceretrieval.es.store.GetStoredItemsAction;
import org.instanceretrieval.es.store.StoredItemActions;
import org.instanceretrieval.es.store.StoredItemsResponse;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET _cat/retrieval/ground_truth}: the list of {@code GET _retrieval/ground_truth} as a
 * {@code _cat} table (text by default; {@code format=json}, {@code h}, {@code s}, {@code v} as
 * for every cat API).
 */
public final class RestCatGroundTruthAction extends AbstractCatAction {

    @Override
    public String getName() {
        return "retrieval_cat_ground_truth";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_cat/retrieval/ground_truth"));
    }

    @Override
    protected void documentation(StringBuilder sb) {
        sb.append("/_cat/retrieval/ground_truth\n");
    }

    @Override
    protected RestChannelConsumer doCatRequest(RestRequest request, NodeClient client) {
        var all = GetStoredItemsAction.request(GroundTruthIndex.KIND, null, false);
        return channel -> client.execute(StoredItemActions.GET_GROUND_TRUTH, all,
            new RestResponseListener<>(channel) {
                @Override
                public RestResponse buildResponse(StoredItemsResponse<GroundTruthMetadata> response) throws Exception {
                    return RestTable.buildResponse(table(request, response.items()), channel);
                }
            });
    }

    @Override
    protected Table getTableWithHeader(RestRequest request) {
        Table table = new Table();
        table.startHeaders();
        table.addCell("id", "alias:i;desc:ground truth id");
        table.addCell("format", "alias:f;desc:the format it was given in");
        table.addCell("protocol", "alias:p;desc:default evaluation protocol");
        table.addCell("id_field", "alias:if;desc:field holding the image names");
        table.addCell("queries", "alias:q;text-align:right;desc:number of queries (labelled images for class labels)");
        table.addCell("database", "alias:db;text-align:right;desc:number of database images (empty when not listed)");
        table.addCell("classes", "alias:c;text-align:right;desc:number of distinct class labels");
        table.addCell("created", "alias:ct;default:false;desc:creation time");
        table.endHeaders();
        return table;
    }

    private Table table(RestRequest request, List<GroundTruthMetadata> items) {
        Table table = getTableWithHeader(request);
        for (GroundTruthMetadata gt : items) {
            table.startRow();
            table.addCell(gt.id());
            table.addCell(gt.format());
            table.addCell(gt.protocol());
            table.addCell(gt.idField());
            table.addCell(gt.queries());
            table.addCell(gt.database() < 0 ? null : gt.database());
            table.addCell(gt.classes());
            table.addCell(Instant.ofEpochMilli(gt.createdMillis()).toString());
            table.endRow();
        }
        return table;
    }
}
