package org.instanceretrieval.rest.yaml;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.elasticsearch.test.rest.ESRestTestCase;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/**
 * The runner's warning checks on the real node started by the build, where {@link YamlRestSuiteIT} can only show the
 * passing side ({@code rest-spec/test/runner/10_warnings.yml}): a real deprecation warning that a step does not declare
 * fails the step, and so does a declared warning that does not come. The warning is the one of PUT _template/{name}
 * (legacy index templates, a deprecated route). ESRestTestCase's client runs in strict deprecation mode; the runner's
 * requests must get their warnings through to the check, not fail in the client.
 */
public class YamlWarningsIT extends ESRestTestCase {

    private static final String LEGACY = "Legacy index templates are deprecated in favor of composable templates.";
    private static final Map<String, ApiSpec> SPECS = YamlRestSuiteIT.loadSpecs();

    public void testAnUndeclaredWarningFailsTheStep() throws IOException {
        try {
            AssertionError e = expectThrows(AssertionError.class, () -> run("""
                - do:
                    indices.put_template:
                      name: yaml-it-legacy
                      body: { index_patterns: [ yaml-it-* ] }
                """));
            assertThat(e.getMessage(), containsString("unexpected warning [" + LEGACY + "]"));
            // allowing some other warning does not cover it either
            e = expectThrows(AssertionError.class, () -> run("""
                - do:
                    allowed_warnings: [ "some other warning" ]
                    allowed_warnings_regex: [ "^Composable" ]
                    indices.put_template:
                      name: yaml-it-legacy
                      body: { index_patterns: [ yaml-it-* ] }
                """));
            assertThat(e.getMessage(), containsString("unexpected warning [" + LEGACY + "]"));
        } finally {
            run("""
                - do:
                    indices.delete_template:
                      name: yaml-it-legacy
                """);
        }
    }

    public void testADeclaredWarningThatDoesNotComeFailsTheStep() throws IOException {
        run("""
            - do:
                warnings: [ "%s" ]
                indices.put_template:
                  name: yaml-it-legacy-2
                  body: { index_patterns: [ yaml-it-* ] }
            """.formatted(LEGACY));
        // DELETE _template is not deprecated: no warning comes
        AssertionError e = expectThrows(AssertionError.class, () -> run("""
            - do:
                warnings: [ "%s" ]
                indices.delete_template:
                  name: yaml-it-legacy-2
            """.formatted(LEGACY)));
        assertThat(e.getMessage(), containsString("expected warning [" + LEGACY + "] but got []"));
        e = expectThrows(AssertionError.class, () -> run("""
            - do:
                warnings_regex: [ "^Legacy" ]
                indices.put_template:
                  name: yaml-it-legacy-2
                  body: { index_patterns: [ yaml-it-* ] }
                allowed_warnings: [ "%s" ]
            - do:
                warnings_regex: [ "^Composable" ]
                indices.put_template:
                  name: yaml-it-legacy-2
                  body: { index_patterns: [ yaml-it-* ] }
            """.formatted(LEGACY)));
        assertThat(e.getMessage(), containsString("expected a warning matching [^Composable] but got [" + LEGACY + "]"));
        run("""
            - do:
                indices.delete_template:
                  name: yaml-it-legacy-2
            """);
    }

    public void testTheWarningOfAFailedRequestIsCheckedToo() throws IOException {
        AssertionError e = expectThrows(AssertionError.class, () -> run("""
            - do:
                catch: bad_request
                indices.put_template:
                  name: yaml-it-legacy-3
                  body: { index_patterns: [ yaml-it-* ], no_such_key: 1 }
            """));
        assertThat(e.getMessage(), containsString("unexpected warning [" + LEGACY + "]"));
        run("""
            - do:
                catch: bad_request
                warnings: [ "%s" ]
                indices.put_template:
                  name: yaml-it-legacy-3
                  body: { index_patterns: [ yaml-it-* ], no_such_key: 1 }
            """.formatted(LEGACY));
    }

    private void run(String yamlSteps) throws IOException {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = new YAMLMapper().readValue(yamlSteps, List.class);
        new YamlStepRunner(client(), SPECS).run(steps);
    }
}
