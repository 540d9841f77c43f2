package org.instanceretrieval.search;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.instanceretrieval.expansion.QuerySetExpansion.Aggregation;
import org.junit.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/** {@link VectorSetQuery} on a real Lucene index, against scores worked by hand. */
public class VectorSetQueryTest {

    private static final float[][] SET = { { 1, 0 }, { 0, 1 } };

    /** Scores by document id. */
    private static Map<String, Float> scores(VectorSimilarityFunction function, Query query) throws IOException {
        try (Directory dir = FiveVectorIndex.index(function); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            TopDocs top = searcher.search(query, 10);
            Map<String, Float> scores = new HashMap<>();
            for (var hit : top.scoreDocs) {
                scores.put(searcher.storedFields().document(hit.doc).get("id"), hit.score);
            }
            return scores;
        }
    }

    private static void assertScores(Map<String, Float> actual, Object... idAndScore) {
        assertEquals(actual.toString(), idAndScore.length / 2, actual.size());
        for (int i = 0; i < idAndScore.length; i += 2) {
            assertEquals(actual.toString(), ((Number) idAndScore[i + 1]).floatValue(), actual.get(idAndScore[i].toString()), 1e-6f);
        }
    }

    @Test
    public void testAvgOfDotProductsMapsAsTheKnnScore() throws IOException {
        // s = mean of (d.[1,0], d.[0,1]): 0.5, 0.7, 0.7, 0.5, -0.5 -> (1 + s) / 2
        assertScores(scores(VectorSimilarityFunction.DOT_PRODUCT, new VectorSetQuery("v", SET, Aggregation.AVG, null, Float.NEGATIVE_INFINITY)),
            0, 0.75, 1, 0.85, 2, 0.85, 3, 0.75, 4, 0.25);
    }

    @Test
    public void testMaxOfDotProducts() throws IOException {
        // s = max: 1, 0.8, 0.8, 1, 0
        assertScores(scores(VectorSimilarityFunction.DOT_PRODUCT, new VectorSetQuery("v", SET, Aggregation.MAX, null, Float.NEGATIVE_INFINITY)),
            0, 1.0, 1, 0.9, 2, 0.9, 3, 1.0, 4, 0.5);
    }

    @Test
    public void testEuclideanAveragesDistancesAndMaxTakesTheNearestMember() throws IOException {
        double r2 = Math.sqrt(2);
        // doc [1, 0]: distances 0 and sqrt 2 -> avg sqrt(2) / 2, score 1 / (1 + 0.5); max: nearest 0 -> 1
        // doc [-1, 0]: distances 2 and sqrt 2
        double avg4 = (2 + r2) / 2;
        assertScores(scores(VectorSimilarityFunction.EUCLIDEAN, new VectorSetQuery("v", SET, Aggregation.AVG, null, Float.NEGATIVE_INFINITY)),
            0, 1 / 1.5, 1, 1 / (1 + sq((Math.sqrt(0.4) + Math.sqrt(0.8)) / 2)), 2, 1 / (1 + sq((Math.sqrt(0.4) + Math.sqrt(0.8)) / 2)),
            3, 1 / 1.5, 4, 1 / (1 + avg4 * avg4));
        assertScores(scores(VectorSimilarityFunction.EUCLIDEAN, new VectorSetQuery("v", SET, Aggregation.MAX, null, Float.NEGATIVE_INFINITY)),
            0, 1.0, 1, 1 / 1.4, 2, 1 / 1.4, 3, 1.0, 4, 1 / 3.0);
    }

    private static double sq(double x) {
        return x * x;
    }

    @Test
    public void testOnlyCandidatesAboveTheThresholdMatch() throws IOException {
        Query candidates = new BooleanQuery.Builder().add(new TermQuery(new Term("id", "1")), BooleanClause.Occur.SHOULD)
            .add(new TermQuery(new Term("id", "3")), BooleanClause.Occur.SHOULD)
            .add(new TermQuery(new Term("id", "4")), BooleanClause.Occur.SHOULD)
            .add(new TermQuery(new Term("id", "none")), BooleanClause.Occur.SHOULD).build();
        assertScores(scores(VectorSimilarityFunction.DOT_PRODUCT, new VectorSetQuery("v", SET, Aggregation.AVG, candidates,
            Float.NEGATIVE_INFINITY)), 1, 0.85, 3, 0.75, 4, 0.25);
        assertScores(scores(VectorSimilarityFunction.DOT_PRODUCT, new VectorSetQuery("v", SET, Aggregation.AVG, candidates, 0.7f)),
            1, 0.85, 3, 0.75);
        assertScores(scores(VectorSimilarityFunction.DOT_PRODUCT, new VectorSetQuery("v", SET, Aggregation.AVG, null, 0.8f)),
            1, 0.85, 2, 0.85);
    }

    @Test
    public void testOneMemberIsTheSingleQueryScore() throws IOException {
        float[][] one = { { 0.6f, 0.8f } };
        assertEquals(scores(VectorSimilarityFunction.COSINE, new ExactVectorQuery("v", one[0], Float.NEGATIVE_INFINITY)).toString(),
            scores(VectorSimilarityFunction.COSINE, new VectorSetQuery("v", one, Aggregation.MAX, null, Float.NEGATIVE_INFINITY)).toString());
    }

    @Test
    public void testMembersMustShareTheDimension() {
        assertThrows(IllegalArgumentException.class, () -> new VectorSetQuery("v", new float[][] { { 1, 0 }, { 1 } }, Aggregation.AVG, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new VectorSetQuery("v", new float[0][], Aggregation.AVG, null, 0));
    }
}
