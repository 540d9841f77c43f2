package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original Oxford Buildings / Paris ground-truth files ({@code gt_files_170407}): per query
 * {@code {query}_good.txt}, {@code {query}_ok.txt}, {@code {query}_junk.txt} (one image name per
 * line) and {@code {query}_query.txt} (one line {@code "<image> x1 y1 x2 y2"}). Oxford's query
 * lines prefix the image with {@code oxc1_} (Paris's do not); the prefix is removed, as the
 * published evaluation scripts do, so that the query name is the image name. Positives are good
 * ∪ ok, junk is junk; the query is named after its image, queries in the order of their file
 * names ({@code all_souls_1}, {@code all_souls_2}, ...). The files list no collection, so the
 * database is unknown (null). Protocol {@code oxford_paris}.
 */
public final class OxfordGtFiles {

    /** The prefix of Oxford's query image names in {@code *_query.txt}. */
    public static final String OXFORD_QUERY_PREFIX = "oxc1_";

    private static final Pattern FILE = Pattern.compile("(.+)_(good|ok|junk|query)\\.txt");

    private OxfordGtFiles() {}

    /** Whether a file name is one of the ground-truth files (directory part ignored). */
    public static boolean isGroundTruthFile(String fileName) {
        return FILE.matcher(baseName(fileName)).matches();
    }

    /**
     * @param files file name (a directory part is ignored) to the file's text
     * @param protocol the protocol to record (null: {@code oxford_paris})
     * @throws IllegalArgumentException on a file name not of the form {@code {query}_{kind}.txt},
     *     a query without its query file, or a malformed query line
     */
    public static NamedGroundTruth parse(Map<String, String> files, String protocol) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no ground-truth files given");
        }
        Map<String, Map<String, String>> byQuery = new TreeMap<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            Matcher m = FILE.matcher(baseName(e.getKey()));
            if (m.matches() == false) {
                throw new IllegalArgumentException("file [" + e.getKey() + "] is not named {query}_good|ok|junk|query.txt");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("file [" + e.getKey() + "] has no text");
            }
            if (byQuery.computeIfAbsent(m.group(1), q -> new TreeMap<>()).put(m.group(2), e.getValue()) != null) {
                throw new IllegalArgumentException("file [" + baseName(e.getKey()) + "] is given twice");
            }
        }
        List<NamedQuery> queries = new ArrayList<>(byQuery.size());
        for (Map.Entry<String, Map<String, String>> e : byQuery.entrySet()) {
            String query = e.getKey();
            Map<String, String> kinds = e.getValue();
            String queryText = kinds.get("query");
            if (queryText == null) {
                throw new IllegalArgumentException("query [" + query + "] has no [" + query + "_query.txt]");
            }
            String[] fields = queryText.strip().split("\\s+");
            if (fields.length != 5) {
                throw new IllegalArgumentException("[" + query + "_query.txt] must hold one line \"<image> x1 y1 x2 y2\", got [" + queryText.strip() + "]");
            }
            String image = fields[0].startsWith(OXFORD_QUERY_PREFIX) ? fields[0].substring(OXFORD_QUERY_PREFIX.length()) : fields[0];
            double[] box = new double[4];
            for (int i = 0; i < 4; i++) {
                try {
                    box[i] = Double.parseDouble(fields[i + 1]);
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("[" + query + "_query.txt] coordinate [" + fields[i + 1] + "] is not a number");
                }
            }
            Set<String> positives = new LinkedHashSet<>(lines(kinds.get("good")));
            positives.addAll(lines(kinds.get("ok")));
            try {
                queries.add(new NamedQuery(image, List.copyOf(positives), List.of(), List.of(), lines(kinds.get("junk")), BoundingBox.of(box)));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("query [" + query + "]: " + ex.getMessage(), ex);
            }
        }
        return new NamedGroundTruth(protocol == null ? "oxford_paris" : protocol, null, queries, null);
    }

    private static List<String> lines(String text) {
        if (text == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\r?\\n")) {
            String name = line.strip();
            if (name.isEmpty() == false) {
                out.add(name);
            }
        }
        return out;
    }

    private static String baseName(String fileName) {
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        return fileName.substring(slash + 1);
    }
}
