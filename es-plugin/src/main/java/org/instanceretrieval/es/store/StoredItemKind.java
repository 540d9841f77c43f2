package org.instanceretrieval.es.store;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.rest.RestStatus;

/**
 * One family of items the plugin keeps in a system index (models, whitenings, ground truths):
 * everything the generic stores, actions and REST handlers need to know about it. The names a
 * user sees all derive from {@link #type} ({@code model}, {@code whitening}, {@code ground_truth}):
 * <ul>
 *   <li>REST paths {@code /_retrieval/<type>} and {@code /_retrieval/<type>/{<type>_id}}; handler
 *       names {@code retrieval_get_<type>}, {@code retrieval_delete_<type>};</li>
 *   <li>action names {@code cluster:monitor/retrieval/<type>/get} ({@code monitor} privilege) and
 *       {@code cluster:admin/retrieval/<type>/delete} ({@code manage});</li>
 *   <li>the array of a listing, {@code <type>s}; in messages the type with spaces for
 *       underscores ({@code ground truth [x] not found}).</li>
 * </ul>
 *
 * @param type the family's name, as above
 * @param index the system index holding the items
 * @param createVerb the verb of the endpoint creating items ({@code put}, {@code learn}), named in the 409
 * @param include the value of the {@code include} parameter a single GET accepts to add the payload
 *     (the item's bulk field) to the response, or null when the family has none
 * @param reader reads the items the GET endpoint returns from the transport stream
 */
public record StoredItemKind<M extends StoredItem>(String type, String index, String createVerb, String include, Writeable.Reader<M> reader) {

    /** The name in messages ({@code ground truth}). */
    public String displayName() {
        return type.replace('_', ' ');
    }

    /** The id's REST parameter and source field ({@code model_id}). */
    public String idParameter() {
        return type + "_id";
    }

    /** The array of a listing ({@code models}). */
    public String listField() {
        return type + "s";
    }

    /** The REST path of the whole family ({@code /_retrieval/model}). */
    public String path() {
        return "/_retrieval/" + type;
    }

    public String getActionName() {
        return "cluster:monitor/retrieval/" + type + "/get";
    }

    public String deleteActionName() {
        return "cluster:admin/retrieval/" + type + "/delete";
    }

    /** The 404 of an unknown id. */
    public ResourceNotFoundException notFound(String id) {
        return new ResourceNotFoundException(displayName() + " [{}] not found", id);
    }

    /** The 409 of creating an item under a taken id: items are immutable. */
    public ElasticsearchStatusException alreadyExists(String id) {
        return new ElasticsearchStatusException("{} [{}] already exists; {}s are immutable: {} the new version under a new id, or delete this one first",
            RestStatus.CONFLICT, displayName(), id, displayName(), createVerb);
    }
}
