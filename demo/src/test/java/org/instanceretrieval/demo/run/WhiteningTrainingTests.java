package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetSize;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

public class WhiteningTrainingTests {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private DemoOptions user(Path whiteningImages) {
        return new DemoOptions("http://h:1", DatasetSize.TINY, 42, Path.of("pics"), Path.of("gt.json"), null, null,
            temp.getRoot().toPath(), true, whiteningImages);
    }

    @Test
    public void aUserCollectionWithoutAWhiteningFolderHasNoTrainingSet() throws Exception {
        assertNull(WhiteningTraining.of(user(null)));
    }

    @Test
    public void aWhiteningFolderIsReadUnderPrefixedNames() throws Exception {
        Path dir = temp.newFolder("train").toPath();
        for (String file : List.of("b.jpg", "a.PNG", "c.jpeg", "notes.txt")) {
            Files.write(dir.resolve(file), new byte[] { 1 });
        }
        WhiteningTraining training = WhiteningTraining.of(user(dir));
        assertEquals(List.of("train_a", "train_b", "train_c"), new ArrayList<>(training.images().keySet()));
        assertEquals(dir.resolve("a.PNG"), training.images().get("train_a"));
        assertTrue(training.provenance(8, 6), training.provenance(8, 6).equals("setting: whitening PCA (8 -> 6 dimensions) learned on 3 "
            + "images of the disjoint set " + dir + ", never on the evaluated collection (as the seed learns it on a separate training set)"));
    }

    @Test
    public void anEmptyFolderIsRefused() throws Exception {
        Path dir = temp.newFolder("empty").toPath();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WhiteningTraining.of(user(dir))).getMessage()
            .contains("holds no .jpg, .jpeg or .png image"));
    }

    @Test
    public void largeSetsAreSampledEvenlyOverTheNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            names.add(String.format("n%04d", i));
        }
        List<String> sample = WhiteningTraining.sampleNames(names);
        assertEquals(500, sample.size());
        // every second name: 0, 2, ..., 998
        for (int i = 0; i < 500; i++) {
            assertEquals(String.format("n%04d", 2 * i), sample.get(i));
        }
        assertEquals(names.subList(0, 10), WhiteningTraining.sampleNames(names.subList(0, 10)));
    }
}
