package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetGenerator;
import org.instanceretrieval.demo.dataset.DatasetSize;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The demo end to end at size tiny against the real node the build started (the built-in
 * model, whitening, DBA, the offline diffusion build and retriever, the ground-truth store and
 * {@code _retrieval_eval}), and the directions of table 1 that the generated dataset is tuned
 * for: query expansion and diffusion raise mAP over the global descriptor, also on top of DBA.
 * Then the same collection as a user's folder with the built-in graph uploaded as an ONNX file.
 */
public class DemoIT {

    @ClassRule
    public static TemporaryFolder temp = new TemporaryFolder();

    private static DemoMain.Result builtIn;
    private static String builtInOutput;

    private static String cluster() {
        return "http://" + System.getProperty("tests.rest.cluster", "127.0.0.1:9200");
    }

    @BeforeClass
    public static void runBuiltInDemo() throws Exception {
        DemoOptions options = new DemoOptions(cluster(), DatasetSize.TINY, 42, null, null, null, null,
            temp.getRoot().toPath().resolve("built-in"), true);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        builtIn = new DemoMain(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        builtInOutput = printed.toString(StandardCharsets.UTF_8);
        System.out.println(builtInOutput);
    }

    /**
     * With the seeds' default settings and whitening learned on a disjoint generated set, the table is what it is: the test
     * asserts that every row is there, that G retrieves, that each setting's provenance is printed and reported, and that
     * nothing was sized from the evaluated ground truth; it does not assert gains (measured ones are in the README).
     */
    @Test
    public void tinyDemoUsesTheSeedDefaultsAndSaysWhereEachSettingComesFrom() throws Exception {
        Map<String, Map<String, Object>> table = builtIn.evaluations();
        assertEquals(Table1Config.ALL.stream().map(Table1Config::name).toList(), List.copyOf(table.keySet()));
        assertEquals("every endpoint is there: nothing skipped", List.of(),
            builtIn.notes().stream().filter(n -> n.startsWith("setting: ") == false).toList());
        List<String> settings = builtIn.notes().stream().filter(n -> n.startsWith("setting: ")).toList();
        assertTrue(settings.toString(), settings.contains("setting: AQE n=10 (seed default, Radenovic et al.)"));
        assertTrue(settings.toString(), settings.contains("setting: DBA n'=20 (seed default 20)"));
        // tiny: 6 objects x 6 views + 12 distractors = 48 images, so the window (48) caps k at 47
        assertTrue(settings.toString(), settings.contains(
            "setting: diffusion k=47 (seed default 50, capped by the window of 48), gamma=3.0, alpha=0.99, k_q=10 (seed defaults, Iscen et al.)"));
        assertTrue(settings.toString(), settings.stream().anyMatch(n -> n.startsWith("setting: whitening PCA learned on ")
            && n.contains("a second generated dataset (seed 1042, other objects and photos)")));
        double g = DemoMain.mAP(table.get("G"));
        String where = String.format(Locale.ROOT, "%n%s", DemoMain.table(table));
        assertTrue("G itself retrieves" + where, g > 0.3);
        System.out.println("tiny demo with seed defaults:" + where);
        for (Map<String, Object> run : table.values()) {
            assertEquals(DatasetSize.TINY.objects(), ((List<?>) run.get("queries")).size());
        }
        // The printed table is the one returned, and the report holds it and the marked top 10s.
        assertTrue(builtInOutput, builtInOutput.contains(DemoMain.table(table)));
        String html = Files.readString(builtIn.report());
        assertTrue(html.contains("id=\"configurations\""));
        assertTrue(html.contains("G+DBA+AQE+DFS"));
        assertTrue(html.contains("class=\"correct\""));
        assertTrue("the report says where the settings come from", html.contains("AQE n=10 (seed default, Radenovic et al.)"));
    }

    @Test
    public void userFolderGroundTruthAndOnnxModelGiveTheSameTable() throws Exception {
        // The generated collection read as a user's folder, and the built-in graph uploaded as a
        // user's ONNX file with the built-in configuration: the descriptors are the same, so is the table.
        Path dir = temp.getRoot().toPath().resolve("user");
        DatasetGenerator.GeneratedDataset dataset = new DatasetGenerator(42, DatasetSize.TINY).generate(dir.resolve("dataset"));
        Path onnx = Files.write(dir.resolve("model.onnx"), DefaultModel.onnx());
        Path config = Files.writeString(dir.resolve("model.json"), """
            {"input": {"size": {"longest_side": 1024}, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
             "output": {"name": "features", "kind": "feature_map"}, "recipe": {"pooling": {"type": "gem", "p": 3}, "scales": [1]}}""");
        // the same disjoint whitening set the generated run learns on (seed 42 + 1000), given as a folder
        Path whitening = new DatasetGenerator(42 + 1000, DatasetSize.TINY).generate(dir.resolve("whitening")).imagesDir();
        DemoOptions options = new DemoOptions(cluster(), DatasetSize.TINY, 0, dataset.imagesDir(), dataset.groundTruth(), onnx, config,
            dir.resolve("out"), true, whitening);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoMain.Result user = new DemoMain(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output, output.contains("as model [" + DemoMain.USER_MODEL + "]"));
        assertTrue(output, output.contains("state: ready"));
        for (Table1Config row : Table1Config.ALL) {
            // The DBA job computes in _id order, so its rows are as repeatable as the others.
            assertEquals(row.name(), DemoMain.mAP(builtIn.evaluations().get(row.name())), DemoMain.mAP(user.evaluations().get(row.name())),
                1e-6);
        }
    }
}
