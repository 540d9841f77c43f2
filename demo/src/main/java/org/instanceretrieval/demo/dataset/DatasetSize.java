package org.instanceretrieval.demo.dataset;

import java.util.Locale;

/**
 * How large a generated dataset is: objects, database photos per object, distractor photos and
 * the photo size. Every object also gets one query photo (not in the database), as in the
 * revisited Oxford and Paris protocol.
 */
public enum DatasetSize {
    /** CI size: a few seconds to index with the built-in model. */
    TINY(6, 6, 12),
    SMALL(16, 8, 64),
    MEDIUM(40, 10, 400),
    LARGE(100, 12, 2000);

    public static final int WIDTH = 320;
    public static final int HEIGHT = 240;

    private final int objects;
    private final int viewsPerObject;
    private final int distractors;

    DatasetSize(int objects, int viewsPerObject, int distractors) {
        this.objects = objects;
        this.viewsPerObject = viewsPerObject;
        this.distractors = distractors;
    }

    public int objects() {
        return objects;
    }

    public int viewsPerObject() {
        return viewsPerObject;
    }

    public int distractors() {
        return distractors;
    }

    /** Database images: every view of every object plus the distractors. */
    public int databaseImages() {
        return objects * viewsPerObject + distractors;
    }

    /** The lowercase name used on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tiny}, {@code small}, {@code medium} or {@code large}. */
    public static DatasetSize parse(String name) {
        for (DatasetSize size : values()) {
            if (size.label().equals(name)) {
                return size;
            }
        }
        throw new IllegalArgumentException("unknown size [" + name + "]: expected tiny, small, medium or large");
    }
}
