package org.instanceretrieval.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/**
 * {@link KnnScan} on a real Lucene index with HNSW graphs (the default codec), several segments, deleted documents and
 * repeated vectors: the hits equal a brute-force loop written here ({@code (1 + q.d) / 2} in double over unit vectors, ranked
 * by score descending, ties by document), to 1e-6 in score and exactly in order.
 */
public class KnnScanTest {

    private static final int DIMS = 16;
    private static final int DOCS = 3_000;

    /** Unit vectors; every tenth repeats the one before it (exact ties); document i has id i and group i % 3. */
    private static float[][] vectors(Random random) {
        float[][] v = new float[DOCS][DIMS];
        for (int i = 0; i < DOCS; i++) {
            if (i % 10 == 9) {
                v[i] = v[i - 1].clone();
                continue;
            }
            double norm = 0;
            for (int j = 0; j < DIMS; j++) {
                v[i][j] = (float) random.nextGaussian();
                norm += v[i][j] * v[i][j];
            }
            for (int j = 0; j < DIMS; j++) {
                v[i][j] /= (float) Math.sqrt(norm);
            }
        }
        return v;
    }

    /** Four segments of 750 documents; ids divisible by 7 deleted. */
    private static Directory index(float[][] v) throws IOException {
        Directory dir = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (int i = 0; i < DOCS; i++) {
                Document doc = new Document();
                doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
                doc.add(new StringField("group", Integer.toString(i % 3), Field.Store.NO));
                doc.add(new KnnFloatVectorField("v", v[i], VectorSimilarityFunction.DOT_PRODUCT));
                writer.addDocument(doc);
                if (i % 750 == 749) {
                    writer.commit();
                }
            }
            for (int i = 0; i < DOCS; i += 7) {
                writer.deleteDocuments(new Term("id", Integer.toString(i)));
            }
        }
        return dir;
    }

    /** Ids of the brute-force top k among live ids accepted by {@code group} (-1: any), with their scores. */
    private static List<double[]> bruteForce(float[][] v, float[] q, int k, int group, double minScore) {
        List<double[]> all = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            if (i % 7 == 0 || (group >= 0 && i % 3 != group)) {
                continue;
            }
            double dot = 0;
            for (int j = 0; j < DIMS; j++) {
                dot += (double) q[j] * v[i][j];
            }
            double score = Math.max((1 + dot) / 2, 0);
            if (score >= minScore) {
                all.add(new double[] { i, score });
            }
        }
        // score descending, ties by id (ids are in document order: one writer, no merges)
        all.sort((a, b) -> a[1] != b[1] ? Double.compare(b[1], a[1]) : Double.compare(a[0], b[0]));
        return all.subList(0, Math.min(k, all.size()));
    }

    private static void assertSame(String what, List<double[]> expected, TopDocs actual, IndexSearcher searcher) throws IOException {
        assertEquals(what, expected.size(), actual.scoreDocs.length);
        assertEquals(what, expected.size(), actual.totalHits.value);
        for (int r = 0; r < expected.size(); r++) {
            ScoreDoc hit = actual.scoreDocs[r];
            String id = searcher.storedFields().document(hit.doc).get("id");
            assertEquals(what + " score at " + r, expected.get(r)[1], hit.score, 1e-6);
            int got = Integer.parseInt(id);
            // the codec's float score may swap neighbours whose scores differ (in double) by less than 1e-6; exact ties
            // (repeated vectors, equal doubles) must come in document order
            boolean swapped = (r > 0 && nearNotEqual(expected.get(r), expected.get(r - 1)) && got == (int) expected.get(r - 1)[0])
                || (r + 1 < expected.size() && nearNotEqual(expected.get(r), expected.get(r + 1)) && got == (int) expected.get(r + 1)[0]);
            if (swapped == false) {
                assertEquals(what + " id at " + r, (int) expected.get(r)[0], got);
            }
        }
    }

    private static boolean nearNotEqual(double[] a, double[] b) {
        return a[1] != b[1] && Math.abs(a[1] - b[1]) < 1e-6;
    }

    @Test
    public void testEqualsBruteForceOverSegmentsDeletionsAndTies() throws IOException {
        Random random = new Random(42);
        float[][] v = vectors(random);
        try (Directory dir = index(v); DirectoryReader reader = DirectoryReader.open(dir)) {
            assertEquals(4, reader.leaves().size());
            IndexSearcher searcher = new IndexSearcher(reader);
            for (int t = 0; t < 20; t++) {
                float[] q = v[random.nextInt(DOCS)]; // a document's own vector: its repeat ties with it
                int k = 1 + random.nextInt(400);
                TopDocs top = KnnScan.search(reader.leaves(), "v", q, k, null, Float.NEGATIVE_INFINITY);
                assertSame("k " + k, bruteForce(v, q, k, -1, Double.NEGATIVE_INFINITY), top, searcher);
            }
        }
    }

    @Test
    public void testFilterAndMinimumScore() throws IOException {
        Random random = new Random(7);
        float[][] v = vectors(random);
        try (Directory dir = index(v); DirectoryReader reader = DirectoryReader.open(dir)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            Weight group1 = searcher.createWeight(searcher.rewrite(new TermQuery(new Term("group", "1"))), ScoreMode.COMPLETE_NO_SCORES,
                1f);
            float[] q = v[11];
            assertSame("group 1", bruteForce(v, q, 300, 1, Double.NEGATIVE_INFINITY), KnnScan.search(reader.leaves(), "v", q, 300,
                group1, Float.NEGATIVE_INFINITY), searcher);
            // a threshold keeps fewer than k
            List<double[]> above = bruteForce(v, q, 300, -1, 0.75);
            assertTrue(above.size() < 300);
            assertSame("min score 0.75", above, KnnScan.search(reader.leaves(), "v", q, 300, null, 0.75f), searcher);
            Weight none = searcher.createWeight(new TermQuery(new Term("group", "9")), ScoreMode.COMPLETE_NO_SCORES, 1f);
            assertEquals(0, KnnScan.search(reader.leaves(), "v", q, 10, none, Float.NEGATIVE_INFINITY).scoreDocs.length);
            assertEquals(0, KnnScan.search(reader.leaves(), "other", q, 10, null, Float.NEGATIVE_INFINITY).scoreDocs.length);
            assertThrows(IllegalArgumentException.class, () -> KnnScan.search(reader.leaves(), "v", q, 0, null, 0f));
        }
    }

    @Test
    public void testCheaperThanGraphCountsTheFieldsVectors() throws IOException {
        float[][] v = vectors(new Random(1));
        try (Directory dir = index(v); DirectoryReader reader = DirectoryReader.open(dir)) {
            // 3,000 vectors (deleted documents keep theirs until merged): a scan for 3,000 / 64 = 46.875 candidates or more
            assertTrue(KnnScan.cheaperThanGraph(reader.leaves(), "v", 47));
            assertFalse(KnnScan.cheaperThanGraph(reader.leaves(), "v", 46));
            assertTrue(KnnScan.cheaperThanGraph(reader.leaves(), "other", 1));
        }
    }
}
