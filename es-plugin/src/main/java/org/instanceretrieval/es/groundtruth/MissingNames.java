package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.instanceretrieval.eval.NamedGroundTruth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which image names of a ground truth an index lacks: the answer to {@code PUT
 * _retrieval/ground_truth/{id}?index=...}. The names checked are the ground truth's database
 * when it lists one, else every positive, easy, hard, junk and labelled image; query names are
 * not checked, because query documents may live in another index (revisited Oxford/Paris
 * queries are not in the database).
 *
 * @param index the index checked
 * @param checked the number of distinct names looked up
 * @param count how many were not found through the ground truth's {@code id_field}
 * @param first the first {@link #MAX_LISTED} missing names, in ground-truth order
 */
public record MissingNames(String index, int checked, int count, List<String> first) implements Writeable, ToXContentObject {

    public static final int MAX_LISTED = 10;
    /** Names per terms query. */
    static final int BATCH = 1000;
    /** Hits per batch: ten documents per name before a batch could miss a name. */
    static final int HITS_PER_BATCH = 10_000;

    public MissingNames {
        first = List.copyOf(first);
    }

    public MissingNames(StreamInput in) throws IOException {
        this(in.readString(), in.readVInt(), in.readVInt(), in.readStringCollectionAsList());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(index);
        out.writeVInt(checked);
        out.writeVInt(count);
        out.writeStringCollection(first);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject().field("index", index).field("checked", checked).field("count", count).field("names", first).endObject();
    }

    /** The names {@link #check} looks up, distinct, in ground-truth order. */
    public static List<String> namesToCheck(NamedGroundTruth gt) {
        Set<String> names = new LinkedHashSet<>();
        if (gt.database() != null) {
            names.addAll(gt.database());
        } else if (gt.isClassLabels()) {
            names.addAll(gt.classes().keySet());
        } else {
            for (NamedGroundTruth.NamedQuery q : gt.queries()) {
                names.addAll(q.positives());
                names.addAll(q.easy());
                names.addAll(q.hard());
                names.addAll(q.junk());
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Looks the names up in {@code index} through {@code idField} with terms queries of
     * {@link #BATCH} names each, with the caller's privileges ({@code client} must not be an
     * origin client). An unknown index fails the listener (404 from Elasticsearch).
     */
    public static void check(Client client, String index, String idField, List<String> names, ActionListener<MissingNames> listener) {
        new Checker(client, index, idField, names, listener).next(0, new HashSet<>());
    }

    private record Checker(Client client, String index, String idField, List<String> names, ActionListener<MissingNames> listener) {

        void next(int from, Set<String> found) {
            if (from >= names.size()) {
                List<String> missing = new ArrayList<>();
                int count = 0;
                for (String name : names) {
                    if (found.contains(name) == false) {
                        if (count++ < MAX_LISTED) {
                            missing.add(name);
                        }
                    }
                }
                listener.onResponse(new MissingNames(index, names.size(), count, missing));
                return;
            }
            List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
            boolean byId = StoredGroundTruth.DEFAULT_ID_FIELD.equals(idField);
            SearchSourceBuilder source = new SearchSourceBuilder().query(QueryBuilders.termsQuery(idField, batch))
                .size(HITS_PER_BATCH)
                .fetchSource(false)
                .trackTotalHits(false);
            if (byId == false) {
                source.fetchField(idField);
            }
            client.search(new SearchRequest(index).source(source), listener.delegateFailureAndWrap((l, response) -> {
                for (SearchHit hit : response.getHits().getHits()) {
                    if (byId) {
                        found.add(hit.getId());
                    } else {
                        DocumentField field = hit.field(idField);
                        if (field != null) {
                            for (Object value : field.getValues()) {
                                found.add(String.valueOf(value));
                            }
                        }
                    }
                }
                next(from + BATCH, found);
            }));
        }
    }
}
