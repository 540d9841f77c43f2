package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Google Landmarks v2 retrieval solution ({@code retrieval_solution_v2.1.csv}): a header
 * {@code id,images,Usage} (in any column order), then one row per test query: its id, the
 * space-separated ids of the index images that are relevant to it, and its usage
 * ({@code Public}, {@code Private} or {@code Ignored}). Ignored queries (no landmark of the index;
 * their images column is {@code None}) are not scored by the challenge and are left out; the
 * others become queries with those positives. The index's ids are not listed (database null).
 * Protocol {@code gldv2}.
 */
public final class Gldv2SolutionCsv {

    private static final Set<String> SCORED = Set.of("public", "private");

    private Gldv2SolutionCsv() {}

    /**
     * @param protocol the protocol to record (null: {@code gldv2})
     * @throws IllegalArgumentException on a missing column, a row with another number of
     *     fields, an unknown usage, or no scored query; the message names the line
     */
    public static NamedGroundTruth parse(String csv, String protocol) {
        String[] lines = csv.split("\\r?\\n");
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first == lines.length) {
            throw new IllegalArgumentException("the CSV is empty");
        }
        List<String> header = Arrays.stream(split(stripBom(lines[first]))).map(String::strip).toList();
        int id = column(header, "id");
        int images = column(header, "images");
        int usage = column(header, "Usage");
        List<NamedQuery> queries = new ArrayList<>();
        for (int i = first + 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] fields = split(lines[i]);
            if (fields.length != header.size()) {
                throw new IllegalArgumentException("line " + (i + 1) + " has " + fields.length + " fields, the header " + header.size());
            }
            String use = fields[usage].strip().toLowerCase(Locale.ROOT);
            if (use.equals("ignored")) {
                continue;
            }
            if (SCORED.contains(use) == false) {
                throw new IllegalArgumentException("line " + (i + 1) + " has Usage [" + fields[usage].strip() + "], expected Public, Private or Ignored");
            }
            String name = fields[id].strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("line " + (i + 1) + " has an empty id");
            }
            List<String> positives = Arrays.stream(fields[images].strip().split("\\s+")).filter(s -> s.isEmpty() == false).toList();
            try {
                queries.add(new NamedQuery(name, positives, List.of(), List.of(), List.of(), null));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("the CSV has no Public or Private query");
        }
        return new NamedGroundTruth(protocol == null ? "gldv2" : protocol, null, queries, null);
    }

    private static int column(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("the CSV header " + header + " has no column [" + name + "] (expected id,images,Usage)");
        }
        return i;
    }

    /** Splits on commas; a field may be double-quoted (GLDv2's fields hold no commas, but spreadsheets quote). */
    private static String[] split(String line) {
        String[] fields = line.split(",", -1);
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i].strip();
            if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
                fields[i] = f.substring(1, f.length() - 1);
            }
        }
        return fields;
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
