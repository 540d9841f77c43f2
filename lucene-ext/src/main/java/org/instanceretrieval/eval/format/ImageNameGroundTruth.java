package org.instanceretrieval.eval.format;

import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ground truth implied by the image names of a collection, given in database order:
 * GPR1200 (class in the name), UKBench (groups of four) and INRIA Holidays (groups by number).
 */
public final class ImageNameGroundTruth {

    /** The image number of a Holidays name: its last run of digits ({@code 100301.jpg} is 100301). */
    private static final Pattern NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

    private ImageNameGroundTruth() {}

    /**
     * GPR1200: ids {@code {class}_{name}}; the class is the part of the file name (after any
     * {@code /}) before its first {@code _}. Every image is a query; the positives are the other
     * images of its class. Protocol {@code gpr1200}.
     */
    public static NamedGroundTruth gpr1200(List<String> ids, String protocol) {
        checkDistinct(ids);
        Map<String, String> classes = new LinkedHashMap<>();
        for (int d = 0; d < ids.size(); d++) {
            String id = ids.get(d);
            String fileName = id.substring(id.lastIndexOf('/') + 1);
            int underscore = fileName.indexOf('_');
            if (underscore <= 0) {
                throw new IllegalArgumentException("id [" + id + "] (image " + d + ") is not of the form {class}_{name}");
            }
            classes.put(id, fileName.substring(0, underscore));
        }
        return new NamedGroundTruth(protocol == null ? "gpr1200" : protocol, ids, List.of(), classes);
    }

    /**
     * UKBench: images in database order, groups of 4 consecutive images (image d is in group
     * d / 4, labelled by that number). Every image is a query. Protocol {@code ukbench}.
     */
    public static NamedGroundTruth ukbench(List<String> names, String protocol) {
        checkDistinct(names);
        if (names.size() % 4 != 0) {
            throw new IllegalArgumentException("UKBench images come in groups of 4, but " + names.size() + " names were given");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        for (int d = 0; d < names.size(); d++) {
            classes.put(names.get(d), Integer.toString(d / 4));
        }
        return new NamedGroundTruth(protocol == null ? "ukbench" : protocol, names, List.of(), classes);
    }

    /**
     * INRIA Holidays: the image number is the last run of digits of the name
     * ({@code 100301.jpg} is 100301); an image whose number is divisible by 100 is a query, and
     * its group is it and the images numbered after it up to the next multiple of 100 (number /
     * 100). The positives of a query are the other images of its group; the query itself is not
     * listed (the protocol removes it from its own ranking). Queries in database order; a group
     * without a query image gives no query. Protocol {@code holidays}.
     */
    public static NamedGroundTruth holidays(List<String> names, String protocol) {
        checkDistinct(names);
        Map<Long, List<String>> groups = new HashMap<>();
        Map<Long, String> byNumber = new HashMap<>();
        long[] numbers = new long[names.size()];
        for (int d = 0; d < names.size(); d++) {
            String name = names.get(d);
            Matcher m = NUMBER.matcher(name);
            if (m.find() == false) {
                throw new IllegalArgumentException("Holidays image name [" + name + "] has no number");
            }
            long number;
            try {
                number = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Holidays image name [" + name + "] has a number too large");
            }
            String previous = byNumber.putIfAbsent(number, name);
            if (previous != null) {
                throw new IllegalArgumentException("Holidays images [" + previous + "] and [" + name + "] have the same number " + number);
            }
            numbers[d] = number;
            groups.computeIfAbsent(number / 100, g -> new ArrayList<>()).add(name);
        }
        List<NamedQuery> queries = new ArrayList<>();
        for (int d = 0; d < names.size(); d++) {
            if (numbers[d] % 100 != 0) {
                continue;
            }
            String query = names.get(d);
            List<String> positives = new ArrayList<>(groups.get(numbers[d] / 100));
            positives.remove(query);
            queries.add(new NamedQuery(query, positives, List.of(), List.of(), List.of(), null));
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("no Holidays query image (a number divisible by 100) among " + names.size() + " names");
        }
        return new NamedGroundTruth(protocol == null ? "holidays" : protocol, names, queries, null);
    }

    private static void checkDistinct(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no image names given");
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("an image name is blank");
            }
            if (seen.add(name) == false) {
                throw new IllegalArgumentException("image name [" + name + "] appears twice");
            }
        }
    }
}
