package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The project's own ground-truth schema ({@code json} format, also what the store keeps and
 * returns), as plain Java maps and lists so that any JSON library can read and write it:
 *
 * <pre>
 * { "protocol": "oxford_paris" | "revisited" | ...,
 *   "database": ["img_0001", ...],                        (optional)
 *   "queries": [ { "name": "q_001", "positive": [...], "easy": [...], "hard": [...],
 *                  "junk": [...], "box": [x1, y1, x2, y2],
 *                  "images": ["q_001_a", "q_001_b"] } ],   (lists optional; images: a multi-image query)
 *   "classes": { "img_0001": "obj_3", ... } }             (instead of queries)
 * </pre>
 *
 * Reading is strict: an unknown key or a value of the wrong type is an
 * {@link IllegalArgumentException} naming it.
 */
public final class GroundTruthJson {

    private static final Set<String> TOP_KEYS = Set.of("protocol", "database", "queries", "classes");
    private static final Set<String> QUERY_KEYS = Set.of("name", "positive", "easy", "hard", "junk", "box", "images");

    private GroundTruthJson() {}

    /**
     * Reads the schema.
     *
     * @param map the parsed JSON object
     * @param protocolOverride a protocol replacing the document's (or supplying it when the
     *     document has none), or null
     * @throws IllegalArgumentException on a missing protocol, an unknown key, a wrong type, or
     *     ground truth {@link NamedGroundTruth} rejects (e.g. an image both positive and junk)
     */
    public static NamedGroundTruth fromMap(Map<?, ?> map, String protocolOverride) {
        if (map == null) {
            throw new IllegalArgumentException("[json] ground truth must be an object");
        }
        for (Object key : map.keySet()) {
            if (TOP_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown field [" + key + "] in [json] ground truth; known fields are " + new TreeSet<>(TOP_KEYS));
            }
        }
        String protocol = protocolOverride != null ? protocolOverride : optionalString(map.get("protocol"), "protocol");
        if (protocol == null) {
            throw new IllegalArgumentException("[json] ground truth needs a [protocol] (or the request's [protocol])");
        }
        List<String> database = map.get("database") == null ? null : strings(map.get("database"), "database");
        List<NamedQuery> queries = new ArrayList<>();
        if (map.get("queries") != null) {
            if (!(map.get("queries") instanceof List<?> list)) {
                throw new IllegalArgumentException("[queries] must be an array of objects");
            }
            for (int i = 0; i < list.size(); i++) {
                queries.add(query(list.get(i), i));
            }
        }
        Map<String, String> classes = null;
        if (map.get("classes") != null) {
            if (!(map.get("classes") instanceof Map<?, ?> labels)) {
                throw new IllegalArgumentException("[classes] must be an object of image name to class label");
            }
            classes = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : labels.entrySet()) {
                if (e.getValue() instanceof String == false) {
                    throw new IllegalArgumentException("[classes] [" + e.getKey() + "] must be a string label, got [" + e.getValue() + "]");
                }
                classes.put((String) e.getKey(), (String) e.getValue());
            }
        }
        NamedGroundTruth groundTruth = new NamedGroundTruth(protocol, database, queries, classes);
        checkAgainstDatabase(groundTruth);
        return groundTruth;
    }

    /**
     * When a database is listed, every relevant, junk and labelled image must be in it (an image
     * outside the collection can never be retrieved; naming one is almost always a typo). Query
     * names are not checked: revisited queries are not in the database.
     */
    private static void checkAgainstDatabase(NamedGroundTruth gt) {
        if (gt.database() == null) {
            return;
        }
        Set<String> database = new HashSet<>(gt.database());
        if (database.size() != gt.database().size()) {
            throw new IllegalArgumentException("[database] lists an image twice");
        }
        for (NamedQuery q : gt.queries()) {
            for (List<String> list : List.of(q.positives(), q.easy(), q.hard(), q.junk())) {
                for (String image : list) {
                    if (database.contains(image) == false) {
                        throw new IllegalArgumentException("query [" + q.name() + "] lists image [" + image + "], which is not in [database]");
                    }
                }
            }
        }
        if (gt.classes() != null) {
            for (String image : gt.classes().keySet()) {
                if (database.contains(image) == false) {
                    throw new IllegalArgumentException("[classes] labels image [" + image + "], which is not in [database]");
                }
            }
        }
    }

    /** Writes the schema: empty lists and a null database or box are left out. */
    public static Map<String, Object> toMap(NamedGroundTruth groundTruth) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("protocol", groundTruth.defaultProtocol());
        if (groundTruth.database() != null) {
            map.put("database", groundTruth.database());
        }
        if (groundTruth.isClassLabels()) {
            map.put("classes", groundTruth.classes());
        } else {
            List<Object> queries = new ArrayList<>(groundTruth.queries().size());
            for (NamedQuery q : groundTruth.queries()) {
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("name", q.name());
                putIfNotEmpty(query, "positive", q.positives());
                putIfNotEmpty(query, "easy", q.easy());
                putIfNotEmpty(query, "hard", q.hard());
                putIfNotEmpty(query, "junk", q.junk());
                if (q.box() != null) {
                    query.put("box", List.of(q.box().x1(), q.box().y1(), q.box().x2(), q.box().y2()));
                }
                putIfNotEmpty(query, "images", q.images());
                queries.add(query);
            }
            map.put("queries", queries);
        }
        return map;
    }

    /** The same ground truth under another protocol. */
    public static NamedGroundTruth withProtocol(NamedGroundTruth groundTruth, String protocol) {
        if (protocol == null || protocol.equals(groundTruth.defaultProtocol())) {
            return groundTruth;
        }
        return new NamedGroundTruth(protocol, groundTruth.database(), groundTruth.queries(), groundTruth.classes());
    }

    private static void putIfNotEmpty(Map<String, Object> map, String key, List<String> values) {
        if (values.isEmpty() == false) {
            map.put(key, values);
        }
    }

    private static NamedQuery query(Object entry, int i) {
        if (!(entry instanceof Map<?, ?> q)) {
            throw new IllegalArgumentException("[queries][" + i + "] must be an object");
        }
        for (Object key : q.keySet()) {
            if (QUERY_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown field [" + key + "] in [queries][" + i + "]; known fields are " + new TreeSet<>(QUERY_KEYS));
            }
        }
        String name = optionalString(q.get("name"), "queries][" + i + "][name");
        if (name == null) {
            throw new IllegalArgumentException("[queries][" + i + "] has no [name]");
        }
        String at = "queries][" + i + "][";
        BoundingBox box = null;
        if (q.get("box") != null) {
            if (!(q.get("box") instanceof List<?> values) || values.size() != 4) {
                throw new IllegalArgumentException("[" + at + "box] must be an array [x1, y1, x2, y2], got [" + q.get("box") + "]");
            }
            double[] xy = new double[4];
            for (int k = 0; k < 4; k++) {
                if (!(values.get(k) instanceof Number n)) {
                    throw new IllegalArgumentException("[" + at + "box] must hold 4 numbers, got [" + values + "]");
                }
                xy[k] = n.doubleValue();
            }
            box = BoundingBox.of(xy);
        }
        return new NamedQuery(
            name,
            optionalStrings(q.get("positive"), at + "positive"),
            optionalStrings(q.get("easy"), at + "easy"),
            optionalStrings(q.get("hard"), at + "hard"),
            optionalStrings(q.get("junk"), at + "junk"),
            box,
            images(q.get("images"), at + "images")
        );
    }

    /** A multi-image query's images: absent, or a non-empty array of strings. */
    private static List<String> images(Object value, String field) {
        List<String> images = optionalStrings(value, field);
        if (value != null && images.isEmpty()) {
            throw new IllegalArgumentException("[" + field + "] must name at least one image (leave it out for the query image [name])");
        }
        return images;
    }

    private static String optionalString(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("[" + field + "] must be a string, got [" + value + "]");
        }
        return s;
    }

    private static List<String> optionalStrings(Object value, String field) {
        return value == null ? List.of() : strings(value, field);
    }

    static List<String> strings(Object value, String field) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("[" + field + "] must be an array of strings, got [" + value + "]");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("[" + field + "] must be an array of strings, got element [" + o + "]");
            }
            out.add(s);
        }
        return out;
    }
}
