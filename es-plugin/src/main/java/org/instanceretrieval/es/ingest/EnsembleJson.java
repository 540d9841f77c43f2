package org.instanceretrieval.es.ingest;

import org.instanceretrieval.es.store.ModelIds;
import org.instanceretrieval.model.descriptor.EnsembleExtractor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code models} option of the {@code image_descriptor} processor: an ensemble of 2 to
 * {@value EnsembleExtractor#MAX_MEMBERS} members, each
 * <pre>
 * {"model_id": "default",              (required)
 *  "pooling": {...}, "scales": [...], "size": {...}, "whitening_id": "...",   (this member's recipe overrides, see RecipeJson)
 *  "weight": 1.0}                      (default 1.0; finite, &gt; 0)
 * </pre>
 * Parsed and validated when the pipeline is created; errors name the member's JSON path
 * ({@code [models.1.pooling.p]}). Immutable.
 */
public final class EnsembleJson {

    /** Least members of an ensemble (one model is {@code model_id}). */
    public static final int MIN_MEMBERS = 2;
    /** Recipe fields a member may override (no patches: an ensemble describes whole images). */
    public static final Set<String> MEMBER_RECIPE_FIELDS = Set.of("pooling", "scales", "size", "whitening_id");
    private static final Set<String> MEMBER_FIELDS;

    static {
        Set<String> fields = new TreeSet<>(MEMBER_RECIPE_FIELDS);
        fields.add("model_id");
        fields.add("weight");
        MEMBER_FIELDS = Collections.unmodifiableSet(fields);
    }

    /** One member: a model, its recipe overrides and its weight. */
    public record Member(String modelId, RecipeJson overrides, double weight) {}

    private final List<Member> members;

    private EnsembleJson(List<Member> members) {
        this.members = List.copyOf(members);
    }

    /** The members, in concatenation order. */
    public List<Member> members() {
        return members;
    }

    /** The whitening ids the members' overrides name (the models' own default whitenings are not known here). */
    public List<String> memberWhiteningIds() {
        List<String> ids = new ArrayList<>();
        for (Member m : members) {
            if (m.overrides().whiteningId() != null) {
                ids.add(m.overrides().whiteningId());
            }
        }
        return ids;
    }

    /**
     * Parses {@code models}.
     *
     * @throws IllegalArgumentException (400) naming the field by its JSON path, the value and the rule
     */
    public static EnsembleJson parse(Object value) {
        if (value instanceof List<?> == false) {
            throw new IllegalArgumentException("[models] must be a list of objects {\"model_id\": ..., \"weight\": ...}, got " + value);
        }
        List<?> list = (List<?>) value;
        if (list.size() < MIN_MEMBERS || list.size() > EnsembleExtractor.MAX_MEMBERS) {
            throw new IllegalArgumentException("[models] must hold " + MIN_MEMBERS + " to " + EnsembleExtractor.MAX_MEMBERS
                + " members but holds [" + list.size() + "]; use [model_id] for a single model");
        }
        List<Member> members = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String path = "models." + i;
            if (list.get(i) instanceof Map<?, ?> == false) {
                throw new IllegalArgumentException("[" + path + "] must be an object {\"model_id\": ..., \"weight\": ...}, got " + list.get(i));
            }
            Map<?, ?> map = (Map<?, ?>) list.get(i);
            Map<String, Object> recipe = new LinkedHashMap<>();
            String modelId = null;
            double weight = 1.0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object v = e.getValue();
                switch (key) {
                    case "model_id" -> {
                        if (v instanceof String == false) {
                            throw new IllegalArgumentException("[" + path + ".model_id] must be a string, got " + v);
                        }
                        modelId = ModelIds.validate(path + ".model_id", (String) v);
                    }
                    case "weight" -> {
                        if (v instanceof Number == false || Double.isFinite(((Number) v).doubleValue()) == false
                            || ((Number) v).doubleValue() <= 0) {
                            throw new IllegalArgumentException("[" + path + ".weight] must be a finite number > 0, got [" + v + "]");
                        }
                        weight = ((Number) v).doubleValue();
                    }
                    default -> {
                        if (MEMBER_RECIPE_FIELDS.contains(key) == false) {
                            throw new IllegalArgumentException("unknown field [" + path + "." + key + "], expected one of " + MEMBER_FIELDS);
                        }
                        recipe.put(key, v);
                    }
                }
            }
            if (modelId == null) {
                throw new IllegalArgumentException("[" + path + ".model_id] is required");
            }
            members.add(new Member(modelId, RecipeJson.parse(path + ".", recipe, MEMBER_RECIPE_FIELDS, null), weight));
        }
        return new EnsembleJson(members);
    }

    /** The ensemble as JSON, every number normalised; it parses back to an equal ensemble. */
    public List<Map<String, Object>> toList() {
        List<Map<String, Object>> out = new ArrayList<>(members.size());
        for (Member m : members) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("model_id", m.modelId());
            member.putAll(m.overrides().toMap());
            member.put("weight", m.weight());
            out.add(Collections.unmodifiableMap(member));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnsembleJson e && members.equals(e.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    @Override
    public String toString() {
        return toList().toString();
    }
}
