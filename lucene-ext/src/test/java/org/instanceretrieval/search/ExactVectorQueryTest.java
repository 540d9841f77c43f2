package org.instanceretrieval.search;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;

/** {@link ExactVectorQuery} on a real Lucene index: scores, threshold, documents without a vector. */
public class ExactVectorQueryTest {

    @Test
    public void testScoresEveryDocumentWithAVectorByTheFieldsSimilarity() throws IOException {
        try (Directory dir = FiveVectorIndex.index(VectorSimilarityFunction.DOT_PRODUCT); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            TopDocs top = searcher.search(new ExactVectorQuery("v", new float[] { 1, 0 }, Float.NEGATIVE_INFINITY), 10);
            assertEquals(5, top.totalHits.value);
            float[] expected = { 1f, 0.9f, 0.8f, 0.5f, 0f }; // (1 + s) / 2
            for (int j = 0; j < 5; j++) {
                ScoreDoc hit = top.scoreDocs[j];
                assertEquals(Integer.toString(j), searcher.storedFields().document(hit.doc).get("id"));
                assertEquals(expected[j], hit.score, 1e-6f);
            }
        }
    }

    @Test
    public void testThresholdDropsLowerScores() throws IOException {
        try (Directory dir = FiveVectorIndex.index(VectorSimilarityFunction.EUCLIDEAN); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            // l2: score 1 / (1 + d^2); d^2 to [0.8, 0.6] from [1, 0] is 0.4 -> 0.714..., from [0.6, 0.8] it is 0.8 -> 0.5556
            TopDocs top = searcher.search(new ExactVectorQuery("v", new float[] { 1, 0 }, 0.6f), 10);
            assertEquals(2, top.totalHits.value);
            assertEquals(1f, top.scoreDocs[0].score, 1e-6f);
            assertEquals(1f / 1.4f, top.scoreDocs[1].score, 1e-6f);
            assertEquals(2, searcher.count(new ExactVectorQuery("v", new float[] { 1, 0 }, 0.6f)));
        }
    }

    @Test
    public void testWrongDimensionIsRejected() throws IOException {
        try (Directory dir = FiveVectorIndex.index(VectorSimilarityFunction.DOT_PRODUCT); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> searcher.search(new ExactVectorQuery("v", new float[] { 1, 0, 0 }, Float.NEGATIVE_INFINITY), 10));
            assertTrue(e.getMessage(), e.getMessage().contains("different number of dimensions [3] than the document vectors [2]"));
            assertEquals(0, searcher.count(new ExactVectorQuery("other", new float[] { 1, 0 }, Float.NEGATIVE_INFINITY)));
        }
    }
}
