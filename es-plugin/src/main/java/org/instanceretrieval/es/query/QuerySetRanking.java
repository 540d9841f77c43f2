package org.instanceretrieval.es.query;

import org.elasticsearch.index.query.MatchNoneQueryBuilder;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.SearchHit;
import org.instanceretrieval.expansion.QuerySetExpansion;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;

/**
 * Query-set expansion on the coordinating node, from the first round's hits (global order) to the
 * fixed ranking the search serves.
 *
 * <p>The pool is the first {@code min(pool, hits)} hits; their vectors are read once, from the
 * index (the shards' answers, {@link FirstRoundPool}, or after a search, {@link FirstRoundVectors}; L2-normalised again, with
 * the query, for a {@code cosine}
 * field, so that dot products are cosines: Elasticsearch's normalised floats are kept, up to
 * float rounding, by {@code VectorUtil.l2normalize}, which leaves vectors within {@code 1e-5} of
 * unit norm unchanged) and {@link QuerySetExpansion} ranks them. The ranking: the pool by its final
 * {@code s_set}, each mapped as the field's similarity maps a kNN score ({@code (1 + s) / 2}, at
 * least 0, for {@code cosine} and {@code dot_product}; {@code s < 0 ? 1 / (1 - s) : 1 + s} for
 * {@code max_inner_product}), then the hits after the pool in first-round order with their
 * first-round scores, all multiplied by one factor {@code c <= 1} when needed so that the first of
 * them scores just below the last pool hit ({@code c = nextDown(last pool score) / its first-round
 * score}). Scores are made strictly decreasing along that order (a score not below the previous
 * one becomes the next float below it, never below 0), so that the hits come back in exactly this
 * order across shards; this moves tied or near-tied scores by a few float ulps. The ranking keeps the first {@code k} of
 * these hits (the query's {@code k}, as a kNN query matches its {@code k} nearest), so the shards serve only those.
 *
 * <p>Memory: the shards' answers, the pool's vectors and working arrays are reserved on the node's budget
 * ({@link #reserveAnswers} before the shards are asked; {@link #reserve} before the vectors are read when the round ran as a
 * search), and released when the ranking is built. Immutable.
 *
 * @param options the query-set options
 * @param mapping the vector field (float, dims known, a dot-product similarity)
 * @param members the starting query set (the query vector, or the members of a set of query vectors), of the field's dims
 * @param k       the query's {@code k}: the ranking keeps its first {@code k} hits
 */
record QuerySetRanking(QuerySetOptions options, VectorFieldInfo mapping, float[][] members, int k) {

    /** Bytes reserved per pool document besides its floats and the expansion's working memory: the array and its ranking entry. */
    static final long BYTES_PER_DOCUMENT = 16 + 64;

    /**
     * The bytes of the pool's own copy of {@code documents} vectors of {@code dims} floats, {@link #BYTES_PER_DOCUMENT} each
     * and the expansion's working memory ({@link QuerySetExpansion#workingBytes}).
     */
    static long poolBytes(int documents, int dims) {
        return documents * (4L * dims + BYTES_PER_DOCUMENT) + QuerySetExpansion.workingBytes(documents, dims);
    }

    /** The bytes reserved for a pool of {@code documents} vectors read by a search: as read, and {@link #poolBytes}. */
    static long bytes(int documents, int dims) {
        return documents * 4L * dims + poolBytes(documents, dims);
    }

    /** Bytes reserved for the starting query set's own copy (normalised for {@code cosine}): 4 x dims + 16 per member. */
    static long memberBytes(int members, int dims) {
        return members * (4L * dims + 16);
    }

    /**
     * Reserves the memory of a pool of {@code poolSize} documents, before its vectors are read.
     *
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException (429) if the pool does not fit the budget
     */
    Reservation reserve(int poolSize, MemoryBudget memory) {
        int dims = members[0].length;
        long bytes = bytes(poolSize, dims) + (members.length > 1 ? memberBytes(members.length, dims) : 0);
        return memory.reserve(bytes, "vectors of the [query_set] expansion pool of " + poolSize + " documents of ["
            + mapping.field() + "]");
    }

    /**
     * The first round's hits in global order as the ranking reads them: from a search's hits
     * ({@link #of(FirstRoundVectors.Hits)}, matched by {@code _id}) or from the shards' own answers
     * ({@link FirstRoundPool}, matched by {@code _seq_no}).
     */
    interface FirstRound {
        /** The number of hits. */
        int size();

        /** Hit {@code j}'s first-round score. */
        float score(int j);

        /** A fresh copy of hit {@code j}'s vector ({@code j} below the pool), or null when it has none. */
        float[] vector(int j);

        /** Hit {@code j} for error messages, e.g. {@code [index/id]}. */
        String describe(int j);

        /** Where the vectors come from, for error messages. */
        String origin();

        /** The query matching hit {@code hits[r]} with {@code scores[r]}, for every {@code r}. */
        QueryBuilder ranked(int[] hits, float[] scores);
    }

    /** The hits of a first-round search, ranked by {@code _id} ({@link RankedDocsQueryBuilder}). */
    static FirstRound of(FirstRoundVectors.Hits first) {
        SearchHit[] hits = first.hits();
        return new FirstRound() {
            @Override
            public int size() {
                return hits.length;
            }

            @Override
            public float score(int j) {
                return hits[j].getScore();
            }

            @Override
            public float[] vector(int j) {
                return first.vector(j);
            }

            @Override
            public String describe(int j) {
                return "[" + hits[j].getIndex() + "/" + hits[j].getId() + "]";
            }

            @Override
            public String origin() {
                return first.origin();
            }

            @Override
            public QueryBuilder ranked(int[] order, float[] scores) {
                String[] indices = new String[order.length];
                String[] ids = new String[order.length];
                for (int r = 0; r < order.length; r++) {
                    indices[r] = hits[order[r]].getIndex();
                    ids[r] = hits[order[r]].getId();
                }
                return new RankedDocsQueryBuilder(indices, ids, scores);
            }
        };
    }

    /**
     * Reserves, before the shards are asked ({@link FirstRoundPool}), the memory of their answers and of the pool: per shard
     * {@code size} hits of 12 bytes (score, {@code _seq_no}) and up to {@code pool} vectors of {@code 4 x dims} bytes, and the
     * pool's own copy and working arrays, {@link #poolBytes}, plus
     * {@link #memberBytes} for a set of query vectors.
     *
     * @throws org.elasticsearch.common.breaker.CircuitBreakingException (429) if it does not fit the budget
     */
    Reservation reserveAnswers(int shards, int size, MemoryBudget memory) {
        int dims = members[0].length;
        int pool = Math.min(options.pool(), size);
        long bytes = shards * (12L * size + 4L * dims * pool) + poolBytes(pool, dims)
            + (members.length > 1 ? memberBytes(members.length, dims) : 0);
        return memory.reserve(bytes, "vectors of the [query_set] expansion pool of " + pool + " documents of [" + mapping.field()
            + "] as " + shards + " shard(s) answer them");
    }

    /**
     * The ranking of the first round's hits, as a query matching exactly its first {@code k} documents;
     * the caller holds the pool's {@link #reserve reservation} while it runs.
     *
     * @throws IllegalArgumentException if a pool hit has no vector or one of another dimension
     */
    QueryBuilder rank(FirstRound first) {
        int size = first.size();
        if (size == 0) {
            return new MatchNoneQueryBuilder("[" + RetrievalKnnQueryBuilder.NAME + "] [expansion] the first round found no documents");
        }
        int poolSize = Math.min(options.pool(), size);
        String field = mapping.field();
        boolean cosine = "cosine".equals(mapping.similarity());
        float[][] pool = new float[poolSize][];
        for (int j = 0; j < poolSize; j++) {
            float[] d = first.vector(j);
            if (d == null) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] [expansion] needs the vectors of the first "
                    + "round's hits, but " + first.describe(j) + " has no [" + field + "] in " + first.origin());
            }
            if (d.length != members[0].length) {
                throw new IllegalArgumentException("[" + RetrievalKnnQueryBuilder.NAME + "] hit " + first.describe(j)
                    + " has a vector of " + d.length + " dimensions but the query has " + members[0].length);
            }
            pool[j] = cosine ? VectorMath.l2NormalizeInPlace(d) : d;
        }
        float[][] start = new float[members.length][];
        for (int i = 0; i < members.length; i++) {
            start[i] = cosine ? VectorMath.l2Normalized(members[i]) : members[i];
        }
        QuerySetExpansion.Result result = options.toExpansion().rank(start, pool);
        int hits = Math.min(size, k);
        int[] order = new int[hits];
        float[] scores = new float[hits];
        double scale = 1;
        for (int r = 0; r < hits; r++) {
            int hit = r < poolSize ? result.order()[r] : r;
            float firstScore = first.score(hit);
            if (r == poolSize && firstScore >= scores[r - 1] && firstScore > 0) {
                scale = Math.nextDown(scores[r - 1]) / (double) firstScore;
            }
            float score = r < poolSize ? score(result.scores()[result.order()[r]]) : (float) (firstScore * scale);
            scores[r] = r == 0 ? score : Math.max(0f, Math.min(score, Math.nextDown(scores[r - 1])));
            order[r] = hit;
        }
        return first.ranked(order, scores);
    }

    /** The kNN score of a similarity {@code s} under the field's similarity. */
    float score(double s) {
        double score = "max_inner_product".equals(mapping.similarity()) ? (s < 0 ? 1 / (1 - s) : 1 + s) : Math.max((1 + s) / 2, 0);
        return (float) score;
    }
}
