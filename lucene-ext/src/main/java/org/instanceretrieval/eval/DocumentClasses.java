package org.instanceretrieval.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-document class labels for the class-based protocols (GPR1200, UKBench), where the
 * positives of a query are the documents of its class. Labels are dense ints 0 .. numClasses-1.
 */
public final class DocumentClasses {

    private final int[] classOf;
    private final int[] classSizes;

    /**
     * @param classOf class label of each document; labels must be in 0 .. max and not null
     * @throws IllegalArgumentException if {@code classOf} is null or holds a negative label
     */
    public DocumentClasses(int[] classOf) {
        if (classOf == null) {
            throw new IllegalArgumentException("classOf must not be null");
        }
        int max = -1;
        for (int d = 0; d < classOf.length; d++) {
            if (classOf[d] < 0) {
                throw new IllegalArgumentException("document [" + d + "] has a negative class [" + classOf[d] + "]");
            }
            max = Math.max(max, classOf[d]);
        }
        this.classOf = classOf.clone();
        this.classSizes = new int[max + 1];
        for (int label : classOf) {
            classSizes[label]++;
        }
    }

    /**
     * Classes from ids of the form {@code {class}_{name}} (GPR1200 file names): the class is the
     * part before the first underscore; distinct classes are numbered in order of first
     * appearance. A directory part and a file extension do not matter (only the prefix is read).
     *
     * @throws IllegalArgumentException if an id is null, has no underscore or an empty class
     */
    public static DocumentClasses fromPrefixedIds(List<String> ids) {
        if (ids == null) {
            throw new IllegalArgumentException("ids must not be null");
        }
        Map<String, Integer> labels = new HashMap<>();
        int[] classOf = new int[ids.size()];
        for (int d = 0; d < classOf.length; d++) {
            String id = ids.get(d);
            if (id == null) {
                throw new IllegalArgumentException("id of document [" + d + "] is null");
            }
            String fileName = id.substring(id.lastIndexOf('/') + 1);
            int underscore = fileName.indexOf('_');
            if (underscore <= 0) {
                throw new IllegalArgumentException(
                    "id [" + id + "] of document [" + d + "] is not of the form {class}_{name}");
            }
            String label = fileName.substring(0, underscore);
            Integer value = labels.get(label);
            if (value == null) {
                value = labels.size();
                labels.put(label, value);
            }
            classOf[d] = value;
        }
        return new DocumentClasses(classOf);
    }

    /**
     * Consecutive groups: document d is in class {@code d / groupSize} (UKBench: groups of 4).
     *
     * @throws IllegalArgumentException if {@code groupSize < 1} or {@code numDocuments} is not a
     *     non-negative multiple of it
     */
    public static DocumentClasses consecutiveGroups(int numDocuments, int groupSize) {
        if (groupSize < 1 || numDocuments < 0 || numDocuments % groupSize != 0) {
            throw new IllegalArgumentException(
                "numDocuments [" + numDocuments + "] must be a non-negative multiple of groupSize [" + groupSize + "]");
        }
        int[] classOf = new int[numDocuments];
        for (int d = 0; d < numDocuments; d++) {
            classOf[d] = d / groupSize;
        }
        return new DocumentClasses(classOf);
    }

    /** Number of documents labelled. */
    public int numDocuments() {
        return classOf.length;
    }

    /** Class label of {@code document}. */
    public int classOf(int document) {
        return classOf[document];
    }

    /** Number of documents in the class of {@code document} (itself included). */
    public int classSizeOf(int document) {
        return classSizes[classOf[document]];
    }

    /** Whether the two documents have the same class. */
    public boolean sameClass(int a, int b) {
        return classOf[a] == classOf[b];
    }
}
