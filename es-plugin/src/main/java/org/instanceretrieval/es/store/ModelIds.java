package org.instanceretrieval.es.store;

import java.util.regex.Pattern;

/**
 * The rule for model ids (and whitening ids named in recipes): 1 to 64 characters, each a
 * lowercase ASCII letter, a digit, {@code -} or {@code _}. Ids are used verbatim in URLs and in
 * document ids of the model index, so nothing else is allowed.
 */
public final class ModelIds {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9_-]{1," + MAX_LENGTH + "}");

    private ModelIds() {}

    /** Whether {@code id} follows the rule. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /**
     * Returns {@code id} if valid.
     *
     * @param field the request field or path part the id came from, named in the error
     * @throws IllegalArgumentException (400) naming the field and the rule
     */
    public static String validate(String field, String id) {
        if (isValid(id) == false) {
            throw new IllegalArgumentException("[" + field + "] must be 1 to " + MAX_LENGTH
                + " characters of lowercase letters, digits, '-' and '_', got [" + id + "]");
        }
        return id;
    }
}
