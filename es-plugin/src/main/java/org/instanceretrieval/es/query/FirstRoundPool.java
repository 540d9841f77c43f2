package org.instanceretrieval.es.query;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.GroupedActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.core.Tuple;
import org.elasticsearch.index.Index;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.shard.ShardId;
import org.elasticsearch.rest.RestStatus;
import org.instanceretrieval.memory.Reservation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The first round of {@code query_set} expansion straight from the shards, without a search: one {@link FirstRoundShardAction}
 * per shard of the searched indices (in parallel, through the caller's client and context), each answering its shard's top
 * {@code size} hits (score, {@code _seq_no}) and the vectors of its top {@code pool}; merged here into the global top
 * {@code size} exactly as a search merges its shards' top hits (score descending, ties by shard in Elasticsearch's shard order,
 * {@link ShardId#compareTo}, then by the shard's own order), so the pool is the same as the search's. The global top
 * {@code pool} is within the shards' top {@code pool}s, so every pool hit comes with its vector. The ranking is served by
 * {@code _seq_no} ({@link RankedSeqNoQueryBuilder}).
 * <p>
 * When a shard's pool hit has no vector in the index (not expected: a field with a similarity indexes its vectors) or a
 * shard cannot answer (a 5xx, e.g. no copy
 * available), the round runs again as before ({@link FirstRoundVectors}: a search, vectors by {@code _id} or from
 * {@code _source}; a search tolerates missing shards); a 4xx (a bad field, a 429 of the breaker) fails the request.
 * Memory: {@link QuerySetRanking#reserveAnswers} before any shard is asked, released once the ranking is built.
 * Immutable once merged.
 */
final class FirstRoundPool implements QuerySetRanking.FirstRound {

    private final ShardId[] shards;
    private final FirstRoundShardAction.Result[] answers;
    private final int[] shardOf;
    private final int[] rankOf;

    private FirstRoundPool(ShardId[] shards, FirstRoundShardAction.Result[] answers, int size) {
        this.shards = shards;
        this.answers = answers;
        int total = 0;
        for (FirstRoundShardAction.Result a : answers) {
            total += a.size();
        }
        int n = Math.min(size, total);
        this.shardOf = new int[n];
        this.rankOf = new int[n];
        int[] head = new int[answers.length];
        for (int j = 0; j < n; j++) { // k-way merge: shards are in shard order, so the first best head wins ties
            int best = -1;
            for (int s = 0; s < answers.length; s++) {
                if (head[s] < answers[s].size() && (best < 0 || answers[s].scores()[head[s]] > answers[best].scores()[head[best]])) {
                    best = s;
                }
            }
            shardOf[j] = best;
            rankOf[j] = head[best]++;
        }
    }

    /** The shards of the searched indices in Elasticsearch's shard order. */
    static ShardId[] shards(Map<Index, IndexMetadata> indices) {
        List<ShardId> shards = new ArrayList<>();
        for (Map.Entry<Index, IndexMetadata> index : indices.entrySet()) {
            for (int s = 0; s < index.getValue().getNumberOfShards(); s++) {
                shards.add(new ShardId(index.getKey(), s));
            }
        }
        return shards.stream().sorted().toArray(ShardId[]::new);
    }

    /**
     * Runs the first round on {@code shards} through {@code client}: reserves ({@code reserve}, given the number of shards), asks
     * the shards, merges, applies {@code then} and releases the reservation; {@code fallback} (given the listener) runs the
     * round as a search instead when a shard has no indexed vector for a pool hit or cannot answer.
     */
    static <T> void run(Client client, ShardId[] shards, QueryBuilder query, int size, int pool, String field,
                        IntFunction<Reservation> reserve, CheckedFunction<QuerySetRanking.FirstRound, T, Exception> then,
                        Consumer<ActionListener<T>> fallback, ActionListener<T> listener) {
        Reservation reserved;
        try {
            reserved = reserve.apply(shards.length);
        } catch (Exception e) {
            listener.onFailure(e);
            return;
        }
        AtomicBoolean open = new AtomicBoolean(reserved != null);
        Runnable release = () -> {
            if (open.compareAndSet(true, false)) {
                reserved.close();
            }
        };
        if (shards.length == 0) {
            ActionListener.completeWith(ActionListener.runBefore(listener, release::run),
                () -> then.apply(new FirstRoundPool(shards, new FirstRoundShardAction.Result[0], size)));
            return;
        }
        GroupedActionListener<Tuple<Integer, FirstRoundShardAction.Result>> group = new GroupedActionListener<>(shards.length, new ActionListener<>() {
                @Override
                public void onResponse(Collection<Tuple<Integer, FirstRoundShardAction.Result>> answered) {
                    FirstRoundPool merged = merge(shards, answered, size);
                    if (merged == null) {
                        release.run(); // the fallback reserves its own
                        fallback.accept(listener);
                        return;
                    }
                    T value;
                    try {
                        value = then.apply(merged);
                    } catch (Exception e) {
                        release.run();
                        listener.onFailure(e);
                        return;
                    }
                    release.run();
                    listener.onResponse(value);
                }

                @Override
                public void onFailure(Exception e) {
                    release.run();
                    if (ExceptionsHelper.status(e).getStatus() >= RestStatus.INTERNAL_SERVER_ERROR.getStatus()) {
                        fallback.accept(listener);
                    } else {
                        listener.onFailure(e);
                    }
                }
            });
        for (int s = 0; s < shards.length; s++) {
            int at = s;
            ShardId id = shards[s];
            FirstRoundShardAction.INSTANCE.execute(client, id.getIndexName(), id.id(), field, new FirstRoundShardAction.Params(query, size,
                pool), group.map(result -> Tuple.tuple(at, result)));
        }
    }

    /** The merged answers, or null when one is incomplete. */
    private static FirstRoundPool merge(ShardId[] shards, Collection<Tuple<Integer, FirstRoundShardAction.Result>> answered, int size) {
        FirstRoundShardAction.Result[] answers = new FirstRoundShardAction.Result[shards.length];
        for (Tuple<Integer, FirstRoundShardAction.Result> a : answered) {
            if (a.v2().complete() == false) {
                return null;
            }
            answers[a.v1()] = a.v2();
        }
        return new FirstRoundPool(shards, answers, size);
    }

    @Override
    public int size() {
        return shardOf.length;
    }

    @Override
    public float score(int j) {
        return answers[shardOf[j]].scores()[rankOf[j]];
    }

    @Override
    public float[] vector(int j) {
        FirstRoundShardAction.Result a = answers[shardOf[j]];
        if (rankOf[j] >= a.vectors()) {
            return null;
        }
        float[] v = new float[a.dims()];
        System.arraycopy(a.vectorData(), rankOf[j] * a.dims(), v, 0, a.dims());
        return v;
    }

    @Override
    public String describe(int j) {
        ShardId shard = shards[shardOf[j]];
        return "[" + shard.getIndexName() + "][" + shard.id() + "] _seq_no [" + answers[shardOf[j]].seqNos()[rankOf[j]] + "]";
    }

    @Override
    public String origin() {
        return "the index";
    }

    @Override
    public QueryBuilder ranked(int[] hits, float[] scores) {
        String[] names = new String[shards.length];
        String[] uuids = new String[shards.length];
        int[] numbers = new int[shards.length];
        for (int s = 0; s < shards.length; s++) {
            names[s] = shards[s].getIndexName();
            uuids[s] = answers[s].indexUuid();
            numbers[s] = shards[s].id();
        }
        int[] shardOfHit = new int[hits.length];
        long[] seqNos = new long[hits.length];
        for (int r = 0; r < hits.length; r++) {
            shardOfHit[r] = shardOf[hits[r]];
            seqNos[r] = answers[shardOf[hits[r]]].seqNos()[rankOf[hits[r]]];
        }
        return new RankedSeqNoQueryBuilder(names, uuids, numbers, shardOfHit, seqNos, scores);
    }
}
