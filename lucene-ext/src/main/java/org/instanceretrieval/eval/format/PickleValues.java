package org.instanceretrieval.eval.format;

import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDict;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading of the plain Python values in the ground-truth pickles (dicts, lists, tuples, str,
 * int, float) through Pyrolite, with errors that name the offending key. Pyrolite builds no
 * classes of the pickle's choosing: an unknown class (a numpy array, say) becomes a
 * {@link ClassDict}, which is reported as such.
 */
final class PickleValues {

    private static final Pattern UNKNOWN_CLASS = Pattern.compile("construction of ClassDict \\(for ([^)]+)\\)");

    private PickleValues() {}

    /** Unpickles {@code bytes}; a malformed or truncated pickle is an IllegalArgumentException. */
    static Object load(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("the pickle is empty");
        }
        PickleOpcodeScan.check(bytes);
        Unpickler unpickler = new Unpickler();
        try {
            return unpickler.load(new ByteArrayInputStream(bytes));
        } catch (PickleException e) {
            // Pyrolite's message for a class it has no constructor for (numpy arrays, say).
            Matcher m = UNKNOWN_CLASS.matcher(String.valueOf(e.getMessage()));
            if (m.find()) {
                throw new IllegalArgumentException("the pickle holds an object of class [" + m.group(1) + "]; only plain dicts, lists, "
                    + "tuples, str and numbers are read (convert numpy arrays with tolist())", e);
            }
            throw new IllegalArgumentException("malformed pickle: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed pickle: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            unpickler.close();
        }
    }

    static Map<?, ?> dict(Object value, String what) {
        if (value instanceof Map<?, ?> map && (value instanceof ClassDict) == false) {
            return map;
        }
        throw new IllegalArgumentException(what + " must be a dict, got " + describe(value));
    }

    static Object required(Map<?, ?> dict, String key, String what) {
        Object value = dict.get(key);
        if (value == null) {
            throw new IllegalArgumentException(what + " has no [" + key + "]; keys are " + dict.keySet());
        }
        return value;
    }

    static List<?> list(Object value, String what) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Object[] tuple) {
            return Arrays.asList(tuple);
        }
        throw new IllegalArgumentException(what + " must be a list, got " + describe(value));
    }

    static List<String> strings(Object value, String what) {
        List<?> list = list(value, what);
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof String s) {
                out.add(s);
            } else {
                throw new IllegalArgumentException(what + "[" + i + "] must be a str, got " + describe(list.get(i)));
            }
        }
        return out;
    }

    /** Integer indices into a list of {@code size} names, checked to be in range; counted on {@code budget} first. */
    static int[] indices(Object value, int size, String what, ExpansionBudget budget) {
        List<?> list = list(value, what);
        budget.add(list.size(), what);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = list.get(i);
            if (o instanceof Integer || o instanceof Long) {
                long v = ((Number) o).longValue();
                if (v < 0 || v >= size) {
                    throw new IllegalArgumentException(what + "[" + i + "] = " + v + " is outside [0, " + size + ")");
                }
                out[i] = (int) v;
            } else {
                throw new IllegalArgumentException(what + "[" + i + "] must be an int, got " + describe(o));
            }
        }
        return out;
    }

    static double[] numbers(Object value, String what) {
        List<?> list = list(value, what);
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (list.get(i) instanceof Number n) {
                out[i] = n.doubleValue();
            } else {
                throw new IllegalArgumentException(what + "[" + i + "] must be a number, got " + describe(list.get(i)));
            }
        }
        return out;
    }

    static List<String> names(int[] indices, List<String> imlist) {
        List<String> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(imlist.get(i));
        }
        return out;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof ClassDict dict) {
            return "an object of class [" + dict.getClassName() + "] (only plain lists, dicts, str and numbers are read; convert numpy arrays with tolist())";
        }
        return "[" + value.getClass().getSimpleName() + "]";
    }
}
