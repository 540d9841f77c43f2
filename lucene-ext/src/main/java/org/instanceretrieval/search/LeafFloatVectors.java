package org.instanceretrieval.search;

import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;

import java.io.IOException;

/**
 * The raw float vectors of one field in one segment, as the exact vector queries score them: the values and the
 * field's similarity function. Immutable.
 *
 * @param values     the segment's vectors of the field, unpositioned
 * @param similarity the field's similarity function
 */
record LeafFloatVectors(FloatVectorValues values, VectorSimilarityFunction similarity) {

    /**
     * The vectors of {@code field} in {@code context}'s segment, checked against the query's dimension.
     *
     * @param dims   the query's number of dimensions
     * @param scorer what needs the float vectors, the start of the message when they are not float
     *               ({@code "<scorer> needs float vectors in [<field>]"})
     * @return null when the segment has no vector in {@code field}
     * @throws IllegalArgumentException when the field holds byte vectors, or vectors of another dimension than
     *     {@code dims} (with Elasticsearch's kNN message)
     */
    static LeafFloatVectors of(LeafReaderContext context, String field, int dims, String scorer) throws IOException {
        FieldInfo info = context.reader().getFieldInfos().fieldInfo(field);
        if (info == null || info.getVectorDimension() == 0) {
            return null;
        }
        if (info.getVectorEncoding() != VectorEncoding.FLOAT32) {
            throw new IllegalArgumentException(scorer + " needs float vectors in [" + field + "]");
        }
        if (info.getVectorDimension() != dims) {
            throw new IllegalArgumentException("The query vector has a different number of dimensions [" + dims
                + "] than the document vectors [" + info.getVectorDimension() + "].");
        }
        FloatVectorValues values = context.reader().getFloatVectorValues(field);
        return values == null ? null : new LeafFloatVectors(values, info.getVectorSimilarityFunction());
    }
}
