package org.instanceretrieval.es.vectors;

import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.elasticsearch.index.mapper.IdFieldMapper;
import org.elasticsearch.index.mapper.NestedPathFieldMapper;
import org.elasticsearch.index.shard.IndexShard;
import org.elasticsearch.index.mapper.Uid;

import java.io.IOException;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * The one reader of a segment's {@code _id} by document for the shard-level reads (vectors, stored graph lists, kNN
 * neighbours): one pass over the terms and postings of {@code _id} instead of one stored-field read (a compressed block
 * decompressed) per document. Nested documents carry their parent's {@code _id} term too; they are recognised by their
 * nested-path term and never given an id, so that no reader takes a nested document for a top-level one (an image, a graph
 * node). Stateless.
 */
public final class IdTerms {

    private IdTerms() {}

    /** The name of the field whose terms mark {@code shard}'s nested documents (it depends on the index's version). */
    public static String nestedPathField(IndexShard shard) {
        return NestedPathFieldMapper.name(shard.indexSettings().getIndexVersionCreated());
    }

    /**
     * The {@code _id} of every top-level document of {@code reader}'s segment that {@code keep} accepts (all when null), by
     * segment doc id; null for the other documents and for nested ones (those with a term in {@code nestedPathField}).
     * Documents of one {@code _id} share one String.
     */
    public static String[] ids(LeafReader reader, Bits keep, String nestedPathField) throws IOException {
        return ids(reader, keep, nestedPathField, length -> {});
    }

    /**
     * As {@link #ids(LeafReader, Bits, String)}, calling {@code charge} with the encoded length of each id taken before the id is
     * decoded, so that a caller can charge a breaker as the ids are read (a {@code CircuitBreakingException} it throws ends the
     * read).
     */
    public static String[] ids(LeafReader reader, Bits keep, String nestedPathField, IdCharge charge) throws IOException {
        FixedBitSet nested = nestedDocs(reader, nestedPathField);
        String[] ids = termValues(reader, IdFieldMapper.NAME, doc -> (keep == null || keep.get(doc)) && (nested == null
            || nested.get(doc) == false), term -> Uid.decodeId(term.bytes, term.offset, term.length), charge);
        return ids == null ? new String[reader.maxDoc()] : ids;
    }

    /**
     * The term of {@code field} of each document of {@code reader}'s segment that {@code accept} takes, by segment doc id (null
     * for the others), decoded by {@code decode}; the documents of one term share one String, and {@code charge} is called with
     * the term's length before it is decoded. Null when the segment has no term in {@code field}.
     */
    public static String[] termValues(LeafReader reader, String field, IntPredicate accept, Function<BytesRef, String> decode,
        IdCharge charge) throws IOException {
        Terms terms = reader.terms(field);
        if (terms == null) {
            return null;
        }
        String[] values = new String[reader.maxDoc()];
        TermsEnum termsEnum = terms.iterator();
        PostingsEnum postings = null;
        for (BytesRef term = termsEnum.next(); term != null; term = termsEnum.next()) {
            postings = termsEnum.postings(postings, PostingsEnum.NONE);
            String value = null;
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (accept.test(doc)) {
                    if (value == null) {
                        charge.charge(term.length);
                        value = decode.apply(term);
                    }
                    values[doc] = value;
                }
            }
        }
        return values;
    }

    /**
     * The top-level document of an {@code _id} term's {@code postings}: the last live one (a nested block is indexed before its
     * parent, which carries the same {@code _id}), or -1 when none is live ({@code live} null: all are).
     */
    public static int topLevelDoc(PostingsEnum postings, Bits live) throws IOException {
        int last = -1;
        for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
            if (live == null || live.get(doc)) {
                last = doc;
            }
        }
        return last;
    }

    /** Called once per id (or term) taken, with the length of its encoded term, before it is decoded. */
    @FunctionalInterface
    public interface IdCharge {
        void charge(int encodedLength);
    }

    /** The segment's nested documents (those with a term in {@code nestedPathField}), or null when it has none. */
    private static FixedBitSet nestedDocs(LeafReader reader, String nestedPathField) throws IOException {
        Terms paths = reader.terms(nestedPathField);
        if (paths == null) {
            return null;
        }
        FixedBitSet nested = new FixedBitSet(Math.max(1, reader.maxDoc()));
        TermsEnum pathEnum = paths.iterator();
        PostingsEnum docs = null;
        for (BytesRef path = pathEnum.next(); path != null; path = pathEnum.next()) {
            docs = pathEnum.postings(docs, PostingsEnum.NONE);
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                nested.set(doc);
            }
        }
        return nested;
    }
}
