package org.instanceretrieval.es.query;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.get.MultiGetItemResponse;
import org.elasticsearch.action.get.MultiGetRequest;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.core.Tuple;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;

import java.util.Collection;
import java.util.List;

/**
 * Turns the documents or images of a {@link QueryVectorSet} into its vectors, in the coordinating
 * rewrite: {@code query_documents} by one multi-get of the vector field of their {@code _source}
 * (errors as {@code query_document}'s: a missing document or index is a 400 naming it), and
 * {@code query_images} by describing every image through the ingest simulate API in parallel
 * ({@link QueryImageDescriber}). Stateless.
 */
final class QueryVectorSetResolver {

    private QueryVectorSetResolver() {}

    /** Resolves {@code set} (documents or images); the listener gets the members' vectors in member order. */
    static void resolve(Client client, QueryVectorSet set, String owner, String field, ActionListener<float[][]> listener) {
        if (set.documents() != null) {
            documents(client, set.documents(), owner, field, listener);
        } else {
            images(client, set.images(), listener);
        }
    }

    private static void documents(Client client, List<QueryDocument> documents, String owner, String field,
                                  ActionListener<float[][]> listener) {
        MultiGetRequest request = new MultiGetRequest();
        FetchSourceContext source = FetchSourceContext.of(true, new String[] { field }, null);
        for (QueryDocument document : documents) {
            request.add(new MultiGetRequest.Item(document.index(), document.id()).fetchSourceContext(source));
        }
        client.multiGet(request, listener.delegateFailureAndWrap((l, response) -> {
            MultiGetItemResponse[] items = response.getResponses();
            float[][] vectors = new float[items.length][];
            for (int i = 0; i < items.length; i++) {
                QueryDocument document = documents.get(i);
                if (items[i].isFailed()) {
                    Exception failure = items[i].getFailure().getFailure();
                    if (failure instanceof IndexNotFoundException) {
                        throw new IllegalArgumentException("[" + owner + "] query_documents index [" + document.index() + "] does not exist",
                            failure);
                    }
                    throw failure;
                }
                if (items[i].getResponse().isExists() == false) {
                    throw new IllegalArgumentException("[" + owner + "] query_documents [" + document.id() + "] does not exist in index ["
                        + document.index() + "]");
                }
                vectors[i] = QueryVectorSource.vectorFromSource(owner, items[i].getResponse().getSourceAsMap(), field);
                if (vectors[i] == null) {
                    throw new IllegalArgumentException("[" + owner + "] query_documents [" + document.id() + "] in index ["
                        + document.index() + "] has no vector in field [" + field + "] of its _source");
                }
            }
            l.onResponse(vectors);
        }));
    }

    private static void images(Client client, List<QueryImage> images, ActionListener<float[][]> listener) {
        GroupedActionListener<Tuple<Integer, float[]>> all = new GroupedActionListener<>(images.size(),
            listener.delegateFailureAndWrap((l, described) -> l.onResponse(inOrder(described, images.size()))));
        for (int i = 0; i < images.size(); i++) {
            int member = i;
            QueryImageDescriber.describe(client, images.get(i), all.map(v -> Tuple.tuple(member, v)));
        }
    }

    private static float[][] inOrder(Collection<Tuple<Integer, float[]>> described, int size) {
        float[][] vectors = new float[size][];
        for (Tuple<Integer, float[]> one : described) {
            vectors[one.v1()] = one.v2();
        }
        return vectors;
    }
}
