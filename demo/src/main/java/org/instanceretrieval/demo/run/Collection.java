package org.instanceretrieval.demo.run;

import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The images and ground truth the demo indexes: database images by name, query images by name
 * (with their boxes), and the ground truth in the project's {@code json} format. A name is the
 * file name without its extension, as in the Oxford and Paris ground truths.
 */
public record Collection(Map<String, Path> database, Map<String, Path> queries, Map<String, int[]> boxes,
                         Map<String, Object> groundTruth) {

    /**
     * Reads a folder of JPEG/PNG images and a {@code json} ground truth. The database is the
     * ground truth's {@code database} list when it has one, else every image of the folder;
     * queries are the ground truth's query names (their images must be in the folder).
     * With class labels instead of queries, every database image is a query of the collection itself.
     */
    public static Collection read(Path imagesDir, Path groundTruthFile) throws IOException {
        Map<String, Object> gt = EsClient.JSON.readValue(groundTruthFile.toFile(), new TypeReference<Map<String, Object>>() {});
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(imagesDir)) {
            list.filter(Files::isRegularFile).forEach(f -> {
                String file = f.getFileName().toString();
                String lower = file.toLowerCase(Locale.ROOT);
                if (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png")) {
                    files.put(file.substring(0, file.lastIndexOf('.')), f);
                }
            });
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .jpg, .jpeg or .png images in " + imagesDir);
        }
        Map<String, Path> database = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        if (gt.get("database") instanceof List<?> names) {
            for (Object name : names) {
                Path file = files.get(String.valueOf(name));
                if (file == null) {
                    missing.add(String.valueOf(name));
                } else {
                    database.put(String.valueOf(name), file);
                }
            }
        } else {
            database.putAll(files);
        }
        Map<String, Path> queries = new LinkedHashMap<>();
        Map<String, int[]> boxes = new LinkedHashMap<>();
        if (gt.get("queries") instanceof List<?> list) {
            for (Object item : list) {
                Map<?, ?> query = (Map<?, ?>) item;
                String name = String.valueOf(query.get("name"));
                Path file = files.get(name);
                if (file == null) {
                    missing.add(name);
                    continue;
                }
                queries.put(name, file);
                if (query.get("box") instanceof List<?> box && box.size() == 4) {
                    int[] b = new int[4];
                    for (int i = 0; i < 4; i++) {
                        b[i] = (int) Math.round(((Number) box.get(i)).doubleValue());
                    }
                    boxes.put(name, b);
                }
            }
        }
        if (missing.isEmpty() == false) {
            throw new IllegalArgumentException(missing.size() + " images named by " + groundTruthFile + " are not in " + imagesDir
                + " (as NAME.jpg, .jpeg or .png), e.g. " + missing.subList(0, Math.min(5, missing.size())));
        }
        return new Collection(database, queries, boxes, gt);
    }

    /** Whether the queries live in their own index (query lists) rather than being the collection's images (class labels). */
    public boolean separateQueries() {
        return queries.isEmpty() == false;
    }

    /** The relevant names (positive, easy, hard) of a query, for marking the report's top 10. */
    @SuppressWarnings("unchecked")
    public Map<String, String> judgements(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (groundTruth.get("queries") instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> q = (Map<String, Object>) item;
                if (query.equals(q.get("name"))) {
                    for (String key : List.of("junk", "positive", "easy", "hard")) {
                        if (q.get(key) instanceof List<?> names) {
                            names.forEach(n -> out.put(String.valueOf(n), key.equals("junk") ? "junk" : "correct"));
                        }
                    }
                }
            }
        } else if (groundTruth.get("classes") instanceof Map<?, ?> classes) {
            Object label = classes.get(query);
            classes.forEach((name, l) -> {
                if (l.equals(label)) {
                    out.put(String.valueOf(name), "correct");
                }
            });
        }
        return out;
    }
}
