package org.instanceretrieval.eval;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ground truth in terms of image names, the form in which it is stored and exchanged; every
 * input format (cirtorch and revisitop pickles, Oxford text files, GPR1200, UKBench, Holidays,
 * GLDv2 CSV, our JSON) is converted to this one. Names are resolved to document positions only
 * when a collection is evaluated, because which names exist depends on the index.
 *
 * <p>Two shapes:
 * <ul>
 *   <li><b>query lists</b> ({@code classes == null}): each {@link NamedQuery} lists its relevant
 *       and junk images (Oxford/Paris, revisited, INSTRE, Holidays, GLDv2);</li>
 *   <li><b>class labels</b> ({@code classes != null}, {@code queries} empty): every labelled
 *       image is a query whose positives are the other images of its class (GPR1200, UKBench).</li>
 * </ul>
 *
 * @param defaultProtocol protocol used when a request names none, one of {@link #PROTOCOLS}
 * @param database the collection's image names in their original order, or null when the
 *     collection is whatever the index holds (e.g. Oxford text files, which list no collection)
 * @param queries the queries (empty for class labels)
 * @param classes class label of each image (null for query lists); iteration order is the
 *     original order
 */
public record NamedGroundTruth(String defaultProtocol, List<String> database, List<NamedQuery> queries, Map<String, String> classes) {

    /** Protocol names known to the evaluation; see retrieval-definitions.md. */
    public static final List<String> PROTOCOLS = List.of("oxford_paris", "revisited", "instre", "holidays", "ukbench", "gpr1200", "gldv2");

    /**
     * @throws IllegalArgumentException on an unknown protocol, an empty ground truth, queries
     *     beside class labels, duplicate query names, or a query that breaks {@link NamedQuery}
     */
    public NamedGroundTruth {
        Objects.requireNonNull(defaultProtocol, "defaultProtocol");
        if (PROTOCOLS.contains(defaultProtocol) == false) {
            throw new IllegalArgumentException("unknown protocol [" + defaultProtocol + "], expected one of " + PROTOCOLS);
        }
        database = database == null ? null : List.copyOf(database);
        queries = List.copyOf(Objects.requireNonNull(queries, "queries"));
        classes = classes == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(classes));
        if (classes != null && queries.isEmpty() == false) {
            throw new IllegalArgumentException("ground truth has both class labels and query lists; give one of them");
        }
        if (classes == null && queries.isEmpty()) {
            throw new IllegalArgumentException("ground truth has no queries and no class labels");
        }
        Set<String> seen = new HashSet<>();
        for (NamedQuery query : queries) {
            if (seen.add(query.name()) == false) {
                throw new IllegalArgumentException("query [" + query.name() + "] appears twice in the ground truth");
            }
        }
    }

    /** True for the class-label shape. */
    public boolean isClassLabels() {
        return classes != null;
    }

    /**
     * One query by name.
     *
     * @param name the query image's name (also the document it is taken from, unless the
     *     evaluation request says otherwise)
     * @param positives relevant images (original protocol: good and ok; INSTRE, Holidays, GLDv2)
     * @param easy revisited protocol's easy images (empty otherwise)
     * @param hard revisited protocol's hard images (empty otherwise)
     * @param junk images removed from the ranking before scoring
     * @param box the query's region {@code x1, y1, x2, y2} in pixels, or null
     * @param images the query's images, several for a multi-image query (each a document of the
     *     queries index); empty for the usual single image, the one named {@code name}
     */
    public record NamedQuery(String name, List<String> positives, List<String> easy, List<String> hard, List<String> junk, BoundingBox box,
                             List<String> images) {

        /** A query of one image, the one named {@code name}. */
        public NamedQuery(String name, List<String> positives, List<String> easy, List<String> hard, List<String> junk, BoundingBox box) {
            this(name, positives, easy, hard, junk, box, List.of());
        }

        /** The names of the query's images: {@link #images}, or {@code [name]} when it lists none. */
        public List<String> queryImages() {
            return images.isEmpty() ? List.of(name) : images;
        }

        /**
         * @throws IllegalArgumentException on a blank name, a name twice in one list, or a name
         *     both relevant (positive, easy or hard) and junk
         */
        public NamedQuery {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a query has no name");
            }
            positives = List.copyOf(positives == null ? List.of() : positives);
            easy = List.copyOf(easy == null ? List.of() : easy);
            hard = List.copyOf(hard == null ? List.of() : hard);
            junk = List.copyOf(junk == null ? List.of() : junk);
            images = List.copyOf(images == null ? List.of() : images);
            if (new HashSet<>(images).size() != images.size() || images.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("query [" + name + "] [images] must be distinct, non-blank names, got " + images);
            }
            Set<String> relevant = new HashSet<>();
            for (List<String> list : List.of(positives, easy, hard)) {
                Set<String> inList = new HashSet<>();
                for (String image : list) {
                    if (inList.add(image) == false) {
                        throw new IllegalArgumentException("query [" + name + "] lists image [" + image + "] twice");
                    }
                    if (relevant.add(image) == false) {
                        throw new IllegalArgumentException("query [" + name + "] lists image [" + image + "] as both easy/hard/positive");
                    }
                }
            }
            Set<String> junkSeen = new HashSet<>();
            for (String image : junk) {
                if (junkSeen.add(image) == false) {
                    throw new IllegalArgumentException("query [" + name + "] lists junk image [" + image + "] twice");
                }
                if (relevant.contains(image)) {
                    throw new IllegalArgumentException("query [" + name + "] lists image [" + image + "] as both relevant and junk");
                }
            }
        }
    }
}
