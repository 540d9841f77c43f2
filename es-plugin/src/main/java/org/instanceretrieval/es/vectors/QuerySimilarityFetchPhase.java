package org.instanceretrieval.es.vectors;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.DocIdSetIterator;
import org.elasticsearch.common.document.DocumentField;
import org.elasticsearch.search.fetch.FetchContext;
import org.elasticsearch.search.fetch.FetchSubPhase;
import org.elasticsearch.search.fetch.FetchSubPhaseProcessor;
import org.elasticsearch.search.fetch.StoredFieldsSpec;
import org.instanceretrieval.es.query.VectorFieldInfo;
import org.instanceretrieval.math.VectorMath;

import java.io.IOException;
import java.util.List;

/**
 * The fetch sub-phase of {@link QuerySimilarityExt}: for each hit of a search that carries the section, the similarity of
 * the section's query vector to the hit's vector as the shard indexed it (Lucene's {@code FloatVectorValues}: the raw floats
 * also for quantised index types; for {@code cosine} fields L2-normalised, as the window of the diffusion retriever holds
 * them), accumulated in double ({@link VectorMath#dotInDouble}) and put in the hit field {@value QuerySimilarityExt#HIT_FIELD}.
 * A hit without an indexed vector (no value, {@code index: false}) gets no field. The vector read is Lucene's reused buffer
 * (normalised into a transient copy for {@code cosine}): per hit the only allocation kept is the one float.
 *
 * @throws IllegalArgumentException (a shard failure, 400) if the field is not a float {@code dense_vector} of the query's
 *     dimension on the shard
 */
public final class QuerySimilarityFetchPhase implements FetchSubPhase {

    @Override
    public FetchSubPhaseProcessor getProcessor(FetchContext context) {
        if (!(context.getSearchExt(QuerySimilarityExt.NAME) instanceof QuerySimilarityExt ext)) {
            return null;
        }
        VectorFieldInfo mapping = VectorFieldInfo.of(context.getSearchExecutionContext(), QuerySimilarityExt.NAME, ext.field());
        if (mapping.isFloat() == false) {
            throw new IllegalArgumentException("[" + QuerySimilarityExt.NAME + "] needs float vectors but field [" + ext.field()
                + "] holds [" + mapping.elementType() + "] vectors");
        }
        mapping.checkDimensions(QuerySimilarityExt.NAME, ext.dims());
        boolean cosine = "cosine".equals(mapping.similarity());
        return new FetchSubPhaseProcessor() {
            private LeafReaderContext leaf;
            private FloatVectorValues values;

            @Override
            public void setNextReader(LeafReaderContext readerContext) throws IOException {
                leaf = readerContext;
                values = readerContext.reader().getFloatVectorValues(ext.field());
            }

            @Override
            public void process(HitContext hit) throws IOException {
                int doc = hit.docId();
                if (values != null && values.docID() > doc) { // hits out of document order: start the segment's values again
                    values = leaf.reader().getFloatVectorValues(ext.field());
                }
                if (values == null) {
                    return;
                }
                int at = values.docID() < doc ? values.advance(doc) : values.docID();
                if (at != doc || at == DocIdSetIterator.NO_MORE_DOCS) {
                    return;
                }
                float[] v = values.vectorValue();
                float s = ext.similarity(cosine ? VectorMath.l2Normalized(v) : v);
                hit.hit().setDocumentField(QuerySimilarityExt.HIT_FIELD, new DocumentField(QuerySimilarityExt.HIT_FIELD, List.of(s)));
            }

            @Override
            public StoredFieldsSpec storedFieldsSpec() {
                return StoredFieldsSpec.NO_REQUIREMENTS;
            }
        };
    }
}
