package org.instanceretrieval.search;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

import java.io.IOException;

/**
 * The small real Lucene index the exact vector query tests score by hand: documents {@code id} 0..4 with the 2-d vectors
 * {@link #VECTORS} in field {@code v} (ids 0..2 in a first segment, 3..4 in a second), and a document {@code none}
 * without a vector.
 */
final class FiveVectorIndex {

    /** The vector of the document with id {@code i}. */
    static final float[][] VECTORS = { { 1, 0 }, { 0.8f, 0.6f }, { 0.6f, 0.8f }, { 0, 1 }, { -1, 0 } };

    private FiveVectorIndex() {}

    /** A new in-memory index of the documents, field {@code v} with {@code function}; the caller closes it. */
    static Directory index(VectorSimilarityFunction function) throws IOException {
        Directory dir = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig())) {
            for (int i = 0; i < VECTORS.length; i++) {
                Document doc = new Document();
                doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
                doc.add(new KnnFloatVectorField("v", VECTORS[i], function));
                writer.addDocument(doc);
                if (i == 2) {
                    writer.commit(); // two segments
                }
            }
            Document noVector = new Document();
            noVector.add(new StringField("id", "none", Field.Store.YES));
            writer.addDocument(noVector);
        }
        return dir;
    }
}
