package org.instanceretrieval.rest.yaml;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A YAML REST test file in Elasticsearch's format: one or more YAML documents whose keys are
 * {@code setup}, {@code teardown} or test names, each a list of steps ({@code do},
 * {@code match}, {@code length}, ...). See {@link YamlStepRunner} for the steps understood.
 */
record YamlTestFile(String name, List<Map<String, Object>> setup, List<Map<String, Object>> teardown, List<Section> tests) {

    /** One named test: its steps in order. */
    record Section(String file, String name, List<Map<String, Object>> steps) {
        @Override
        public String toString() {
            return file + " / " + name;
        }
    }

    static YamlTestFile parse(Path file, String name) throws IOException {
        List<Map<String, Object>> setup = List.of();
        List<Map<String, Object>> teardown = List.of();
        List<Section> tests = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (MappingIterator<Map<String, List<Map<String, Object>>>> docs = yaml.readerFor(
            new TypeReference<Map<String, List<Map<String, Object>>>>() {}
        ).readValues(Files.newBufferedReader(file))) {
            while (docs.hasNext()) {
                Map<String, List<Map<String, Object>>> doc = docs.next();
                if (doc == null) {
                    continue;
                }
                for (Map.Entry<String, List<Map<String, Object>>> e : doc.entrySet()) {
                    List<Map<String, Object>> steps = e.getValue() == null ? List.of() : e.getValue();
                    switch (e.getKey()) {
                        case "setup" -> setup = steps;
                        case "teardown" -> teardown = steps;
                        default -> tests.add(new Section(name, e.getKey(), steps));
                    }
                }
            }
        }
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("YAML test file [" + name + "] has no test section");
        }
        return new YamlTestFile(name, setup, teardown, List.copyOf(tests));
    }
}
