package org.instanceretrieval.rest.yaml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/** The runner's assertions must fail on mismatches, or the YAML suite proves nothing. */
public class YamlStepRunnerTests {

    private static final Object BODY = parseJson("""
        {"hits": {"total": 3, "hits": [{"_id": "a", "_score": 0.5}, {"_id": "b"}]},
         "dotted.key": {"x": 1.0}, "nodes": {"n1": {"name": "node-0"}}, "flag": false}""");

    @Test
    public void passingAssertions() throws IOException {
        runner().run(steps("""
            - match: { hits.hits.0._id: a }
            - match: { hits.total: 3.0 }
            - match: { dotted\\.key.x: 1 }
            - match: { hits.hits.1._id: '/^b$/' }
            - length: { hits.hits: 2 }
            - is_true: hits
            - is_false: flag
            - is_false: missing.path
            - gt: { hits.total: 2 }
            - lte: { hits.total: 3 }
            - close_to: { hits.hits.0._score: { value: 0.49, error: 0.02 } }
            - set: { nodes._arbitrary_key_: node }
            - match: { nodes.$node.name: node-0 }
            """));
    }

    @Test
    public void everyKindOfMismatchFails() {
        for (String step : List.of(
            "- match: { hits.hits.0._id: b }",
            "- match: { hits.hits.1._id: '/^a$/' }",
            "- length: { hits.hits: 3 }",
            "- is_true: flag",
            "- is_false: hits",
            "- gt: { hits.total: 3 }",
            "- lt: { hits.total: 3 }",
            "- close_to: { hits.hits.0._score: { value: 0.4, error: 0.05 } }",
            "- unknown_step: { a: b }")) {
            assertThrows(step, AssertionError.class, () -> runner().run(steps(step)));
        }
    }

    @Test
    public void warningsMustBeDeclared() {
        List<String> none = List.of();
        List<String> actual = List.of("[x] is deprecated", "other");
        new DoWarnings(none, none, none, none).check("api", List.of());
        new DoWarnings(List.of("[x] is deprecated"), List.of("other"), none, none).check("api", actual);
        new DoWarnings(none, none, List.of("deprecated$"), List.of("^oth")).check("api", actual);
        new DoWarnings(none, List.of("[x] is deprecated", "other", "never sent"), none, none).check("api", actual);
        // an undeclared warning fails, so does a declared one that did not come
        assertThrows(AssertionError.class, () -> new DoWarnings(none, none, none, none).check("api", List.of("other")));
        assertThrows(AssertionError.class, () -> new DoWarnings(List.of("[x] is deprecated"), none, none, none).check("api", actual));
        assertThrows(AssertionError.class, () -> new DoWarnings(List.of("[x] is deprecated"), none, none, none).check("api", List.of()));
        assertThrows(AssertionError.class, () -> new DoWarnings(none, none, List.of("deprecated"), none).check("api", List.of("other")));
        assertThrows(AssertionError.class, () -> new DoWarnings(none, List.of("other"), none, none).check("api", List.of("new")));
        assertThrows(AssertionError.class, () -> new DoWarnings(none, none, none, List.of("^x")).check("api", List.of("other")));
    }

    @Test
    public void aWarningBothExpectedAndAllowedIsAMistakeInTheTest() {
        assertThrows(AssertionError.class, () -> new DoWarnings(List.of("w"), List.of("w"), List.of(), List.of()));
    }

    /** The do section's own keys, read by the runner: old code removed warnings and allowed_warnings unread. */
    @Test
    public void theDoSectionsWarningKeysAreReadAndRemoved() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> section = new java.util.LinkedHashMap<>((Map<String, Object>) steps("""
            - do:
                warnings: [ "a" ]
                allowed_warnings: "b"
                warnings_regex: [ "^c" ]
                allowed_warnings_regex: [ "d$" ]
                search: { index: i }
            """).get(0).get("do"));
        DoWarnings warnings = DoWarnings.removeFrom(section);
        assertEquals(new DoWarnings(List.of("a"), List.of("b"), List.of("^c"), List.of("d$")), warnings);
        assertEquals(List.of("search"), List.copyOf(section.keySet()));
        assertThrows(AssertionError.class, () -> warnings.check("search", List.of("a", "unexpected")));
        assertThrows(AssertionError.class, () -> DoWarnings.removeFrom(new java.util.HashMap<>(Map.of("warnings", Map.of("a", 1)))));
    }

    /** What the node sends: HeaderWarning escapes backslash and quote, then percent-encodes % and non-ASCII text. */
    @Test
    public void receivedWarningsAreUnescapedAndDecoded() {
        assertEquals("plain [x] text", DoWarnings.decode("plain [x] text"));
        assertEquals("say \"hi\" \\ 100% caf\u00e9", DoWarnings.decode("say \\\"hi\\\" \\\\ 100%25 caf%C3%A9"));
        // a declared text with a quote matches the escaped text the client hands over
        new DoWarnings(List.of("field \"f\" is deprecated"), List.of(), List.of(), List.of())
            .check("api", List.of("field \\\"f\\\" is deprecated"));
    }

    @Test
    public void numbersCompareByValueAndCollectionsDeeply() {
        assertEquals(true, YamlStepRunner.looselyEqual(Map.of("a", List.of(1, 2.0)), Map.of("a", List.of(1.0, 2))));
        assertEquals(false, YamlStepRunner.looselyEqual(Map.of("a", List.of(1)), Map.of("a", List.of(1, 2))));
    }

    private static YamlStepRunner runner() {
        return new YamlStepRunner(null, Map.of()).withBody(BODY);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(String yaml) throws IOException {
        return new YAMLMapper().readValue(yaml, List.class);
    }

    private static Object parseJson(String json) {
        try {
            return new ObjectMapper().readValue(json, Object.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
