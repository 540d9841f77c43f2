package org.instanceretrieval.eval.format;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The input formats ground truth is accepted in, each converted to
 * {@link org.instanceretrieval.eval.NamedGroundTruth}, with the protocol each implies and the
 * kind of input it reads.
 */
public enum GroundTruthFormat {
    /** Our own schema ({@link GroundTruthJson}); the protocol is in the document. */
    JSON("json", null, Input.OBJECT),
    /** cirtorch's original Oxford5k / Paris6k pickles ({@link CirtorchPickle}). */
    CIRTORCH_PKL("cirtorch_pkl", "oxford_paris", Input.BINARY),
    /** revisitop's revisited Oxford / Paris pickles ({@link RevisitopPickle}). */
    REVISITOP_PKL("revisitop_pkl", "revisited", Input.BINARY),
    /** The original Oxford / Paris {@code *_good/ok/junk/query.txt} files ({@link OxfordGtFiles}). */
    OXFORD_GT_FILES("oxford_gt_files", "oxford_paris", Input.FILES),
    /** GPR1200 image ids {@code {class}_{name}} ({@link ImageNameGroundTruth#gpr1200}). */
    GPR1200("gpr1200", "gpr1200", Input.NAMES),
    /** UKBench image names in order, groups of 4 consecutive ({@link ImageNameGroundTruth#ukbench}). */
    UKBENCH("ukbench", "ukbench", Input.NAMES),
    /** INRIA Holidays image names ({@link ImageNameGroundTruth#holidays}). */
    HOLIDAYS("holidays", "holidays", Input.NAMES),
    /** GLDv2's retrieval solution CSV {@code id,images,Usage} ({@link Gldv2SolutionCsv}). */
    GLDV2_CSV("gldv2_csv", "gldv2", Input.TEXT);

    /** What a format reads. */
    public enum Input {
        /** a JSON object */
        OBJECT,
        /** bytes (inline: base64) */
        BINARY,
        /** text (inline: a string) */
        TEXT,
        /** image names (inline: an array of strings, or a string of lines) */
        NAMES,
        /** several named text files (inline: an object of file name to text; path: a directory) */
        FILES
    }

    private final String id;
    private final String defaultProtocol;
    private final Input input;

    GroundTruthFormat(String id, String defaultProtocol, Input input) {
        this.id = id;
        this.defaultProtocol = defaultProtocol;
        this.input = input;
    }

    /** The name used in requests. */
    public String id() {
        return id;
    }

    /** The protocol the format implies, or null when the data names it ({@code json}). */
    public String defaultProtocol() {
        return defaultProtocol;
    }

    public Input input() {
        return input;
    }

    /** The names of every format. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(GroundTruthFormat::id).toList();
    }

    /** @throws IllegalArgumentException naming the known formats */
    public static GroundTruthFormat fromId(String id) {
        for (GroundTruthFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "unknown [format] [%s], expected one of %s", id, ids()));
    }
}
