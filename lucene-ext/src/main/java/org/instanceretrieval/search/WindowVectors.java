package org.instanceretrieval.search;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The indexed float vectors of a rescore window ({@link FloatVectorValues}; for {@code cosine} fields the normalised vectors
 * Elasticsearch stores), in window order, a zero vector for a document without one. Read by the {@code diffusion} and
 * {@code k_reciprocal} rescorers. Stateless.
 */
public final class WindowVectors {

    private WindowVectors() {}

    /**
     * @param owner names the rescorer in errors, e.g. {@code k_reciprocal}
     * @throws IllegalArgumentException if the field holds byte vectors or its dimension is not {@code dims} (the query's)
     */
    public static float[][] read(ScoreDoc[] window, IndexSearcher searcher, String field, int dims, String owner) throws IOException {
        float[][] vectors = new float[window.length][];
        Integer[] byDoc = new Integer[window.length];
        for (int i = 0; i < byDoc.length; i++) {
            byDoc[i] = i;
        }
        // FloatVectorValues iterate forwards only: visit the window in doc id order.
        Arrays.sort(byDoc, Comparator.comparingInt(i -> window[i].doc));
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int currentLeaf = -1;
        FloatVectorValues values = null;
        for (int i : byDoc) {
            int doc = window[i].doc;
            int leafIndex = ReaderUtil.subIndex(doc, leaves);
            LeafReaderContext leaf = leaves.get(leafIndex);
            if (leafIndex != currentLeaf) {
                currentLeaf = leafIndex;
                values = vectorValues(leaf, field, dims, owner);
            }
            int leafDoc = doc - leaf.docBase;
            if (values != null && (values.docID() < leafDoc ? values.advance(leafDoc) : values.docID()) == leafDoc) {
                vectors[i] = values.vectorValue().clone();
            } else {
                vectors[i] = new float[dims];
            }
        }
        return vectors;
    }

    /**
     * @param owner names the caller in errors
     * @throws IllegalArgumentException if the field holds byte vectors or its dimension is not {@code dims}
     */
    public static void checkFloatVectors(FieldInfo info, String field, int dims, String owner) {
        if (info.getVectorEncoding() != VectorEncoding.FLOAT32) {
            throw new IllegalArgumentException("[" + owner + "] needs float vectors but field [" + field + "] holds ["
                + info.getVectorEncoding() + "] vectors");
        }
        if (info.getVectorDimension() != dims) {
            throw new IllegalArgumentException("[" + owner + "] the query vector has a different number of dimensions [" + dims
                + "] than the document vectors [" + info.getVectorDimension() + "] of field [" + field + "]");
        }
    }

    private static FloatVectorValues vectorValues(LeafReaderContext leaf, String field, int dims, String owner) throws IOException {
        FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(field);
        if (info == null || info.getVectorDimension() == 0) {
            return null;
        }
        checkFloatVectors(info, field, dims, owner);
        FloatVectorValues values = leaf.reader().getFloatVectorValues(field);
        return values == null || values.docID() == DocIdSetIterator.NO_MORE_DOCS ? null : values;
    }
}
