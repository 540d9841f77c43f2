package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetGenerator;
import org.instanceretrieval.demo.dataset.DatasetSize;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.NsfwjsInceptionV3;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The demo end to end at size tiny against the real node the build started (the built-in
 * model, whitening, DBA, the offline diffusion build and retriever, the ground-truth store and
 * {@code _retrieval_eval}) with the seeds' default settings and whitening learned on a disjoint
 * generated set: every row present, every setting's provenance printed and reported, the
 * training set disjoint from the evaluated one, every row's mAP the mean of its per-query APs.
 * No gain is asserted. Then the same collection as a user's folder with the built-in graph
 * uploaded as an ONNX file.
 */
public class DemoIT {

    @ClassRule
    public static TemporaryFolder temp = new TemporaryFolder();

    private static DemoMain.Result builtIn;
    private static String builtInOutput;
    /** Read from the node right after the built-in run (the user run replaces them). */
    private static Set<String> trainingIds, evaluatedIds;
    private static Map<?, ?> whiteningSource;

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
        trainingIds = ids("demo-whitening-training");
        evaluatedIds = ids("demo-images");
        evaluatedIds.addAll(ids("demo-queries"));
        whiteningSource = (Map<?, ?>) get("_retrieval/whitening/demo-pca").get("source");
    }

    /** The _id of every document of an index, read with a plain HTTP search (not the demo's client). */
    private static Set<String> ids(String index) throws Exception {
        Map<?, ?> response = get(index + "/_search?size=10000&_source=false");
        Set<String> ids = new TreeSet<>();
        for (Object hit : (List<?>) ((Map<?, ?>) response.get("hits")).get("hits")) {
            ids.add((String) ((Map<?, ?>) hit).get("_id"));
        }
        return ids;
    }

    private static Map<?, ?> get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster() + "/" + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(path + ": " + response.body(), 200, response.statusCode());
        return new ObjectMapper().readValue(response.body(), Map.class);
    }

    /**
     * With the seeds' default settings and whitening learned on a disjoint generated set, the table is what it is: the test
     * asserts that every row is there, that each setting's provenance is printed and reported, and that nothing was sized
     * from the evaluated ground truth; it does not assert gains (measured ones are in the README).
     */
    @Test
    public void tinyDemoUsesTheSeedDefaultsAndSaysWhereEachSettingComesFrom() throws Exception {
        Map<String, Map<String, Object>> table = builtIn.evaluations();
        assertEquals(Table1Config.ALL.stream().map(Table1Config::name).toList(), List.copyOf(table.keySet()));
        assertEquals("every endpoint is there: nothing skipped", List.of(),
            builtIn.notes().stream().filter(n -> n.startsWith("setting: ") == false).toList());
        List<String> settings = builtIn.notes().stream().filter(n -> n.startsWith("setting: ")).toList();
        // tiny: 6 objects x 6 views + 12 distractors = 48 images, so the window (48) caps k at 47
        List<String> expected = List.of(
            "setting: AQE n=10 (seed default, Radenovic et al.)",
            "setting: DBA n'=20 (seed default 20)",
            "setting: diffusion k=47 (seed default 50, capped by the window of 48), gamma=3.0, alpha=0.99, k_q=10 (seed defaults, "
                + "Iscen et al.)");
        String html = Files.readString(builtIn.report());
        for (String line : expected) {
            assertTrue(settings.toString(), settings.contains(line));
            assertTrue(line, builtInOutput.contains("NOTE: " + line));
            assertTrue("the report says where the settings come from: " + line,
                html.contains("<li>" + line.substring("setting: ".length()) + "</li>"));
        }
        // tiny training set: 6 x 6 + 12 database photos and 6 query photos of seed 1042
        String trained = " learned on " + trainingIds.size() + " images of a disjoint generated set (tiny, seed 1042: other objects and "
            + "photos), never on the evaluated collection";
        assertEquals(54, trainingIds.size());
        assertTrue(settings.toString(), settings.stream().anyMatch(n -> n.startsWith("setting: whitening PCA (") && n.contains(trained)));
        assertTrue(html, html.contains(trained));
        for (Map<String, Object> run : table.values()) {
            assertEquals(DatasetSize.TINY.objects(), ((List<?>) run.get("queries")).size());
        }
        String where = String.format(Locale.ROOT, "%n%s", DemoMain.table(table));
        assertTrue("G itself retrieves" + where, DemoMain.mAP(table.get("G")) > 0.3);
        System.out.println("tiny demo with seed defaults:" + where);
        // The printed table is the one returned, and the report holds it and the marked top 10s.
        assertTrue(builtInOutput, builtInOutput.contains(DemoMain.table(table)));
        assertTrue(html.contains("id=\"configurations\""));
        assertTrue(html.contains("G+DBA+AQE+DFS"));
        assertTrue(html.contains("class=\"correct\""));
    }

    /** Whitening was learned from the training index only, and that index shares no document or image with the evaluated ones. */
    @Test
    public void whiteningIsLearnedOnADisjointTrainingSet() throws Exception {
        assertEquals("demo-whitening-training", whiteningSource.get("index"));
        assertEquals(trainingIds.size(), ((Number) whiteningSource.get("sample_size")).intValue());
        assertEquals(54, evaluatedIds.size());
        Set<String> shared = new TreeSet<>(trainingIds);
        shared.retainAll(evaluatedIds);
        assertEquals("document names in both the training and the evaluated indices", Set.of(), shared);
        // Disjoint in content too, not only in names: no training photo has the bytes of an evaluated one.
        Path root = temp.getRoot().toPath().resolve("built-in");
        Set<String> evaluated = sha256s(root.resolve("dataset/images"));
        Set<String> training = sha256s(root.resolve("whitening-dataset/images"));
        assertEquals(54, evaluated.size());
        assertEquals(54, training.size());
        training.retainAll(evaluated);
        assertEquals("images in both sets", Set.of(), training);
    }

    private static Set<String> sha256s(Path dir) throws Exception {
        Set<String> hashes = new TreeSet<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return hashes;
    }

    /**
     * Every row's mAP is the mean of its per-query APs (revisited: medium = {@code ap}, easy = {@code ap_easy}, hard =
     * {@code ap_hard}), recomputed here from the response; and the report's per-query table averages to the printed table's
     * medium column (both rounded to 0.01 %, so within 0.011 points).
     */
    @Test
    public void everyRowsMapIsTheMeanOfItsPerQueryAps() throws Exception {
        Map<String, List<Double>> reported = perQueryColumns(Files.readString(builtIn.report()));
        Map<String, Double> printed = printedMedium(builtInOutput);
        for (Map.Entry<String, Map<String, Object>> row : builtIn.evaluations().entrySet()) {
            Map<String, Object> e = row.getValue();
            List<?> queries = (List<?>) e.get("queries");
            Map<?, ?> subsets = (Map<?, ?>) e.get("subsets");
            for (String[] key : new String[][] { { "medium", "ap" }, { "easy", "ap_easy" }, { "hard", "ap_hard" } }) {
                double sum = 0;
                int n = 0;
                for (Object q : queries) {
                    Object ap = ((Map<?, ?>) q).get(key[1]);
                    if (ap != null) {
                        sum += ((Number) ap).doubleValue();
                        n++;
                    }
                }
                assertEquals(row.getKey() + " " + key[0] + " queries", DatasetSize.TINY.objects(), n);
                double mAP = ((Number) ((Map<?, ?>) subsets.get(key[0])).get("mAP")).doubleValue();
                assertEquals(row.getKey() + " " + key[0], sum / n, mAP, 1e-9);
            }
            List<Double> column = reported.get(row.getKey());
            assertEquals(row.getKey(), DatasetSize.TINY.objects(), column.size());
            double mean = column.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(row.getKey() + ": report's per-query mean vs printed table", printed.get(row.getKey()), mean, 0.011);
        }
    }

    /** The report's per-query table as configuration -> the AP (in %) of every query. */
    private static Map<String, List<Double>> perQueryColumns(String html) {
        String table = html.substring(html.indexOf("<table id=\"per-query\">"));
        table = table.substring(0, table.indexOf("</table>"));
        List<String> header = new ArrayList<>();
        Matcher th = Pattern.compile("<th>([^<]*)</th>").matcher(table.substring(0, table.indexOf("</tr>")));
        while (th.find()) {
            header.add(th.group(1));
        }
        Map<String, List<Double>> columns = new LinkedHashMap<>();
        for (String row : table.substring(table.indexOf("</tr>") + 5).split("</tr>")) {
            Matcher td = Pattern.compile("<td>([^<]*)</td>").matcher(row);
            for (int c = 1; td.find(); c++) {
                columns.computeIfAbsent(header.get(c), k -> new ArrayList<>()).add(Double.parseDouble(td.group(1)));
            }
        }
        return columns;
    }

    /** The printed table's medium column (the overall mAP of the revisited protocol), in %. */
    private static Map<String, Double> printedMedium(String output) {
        Map<String, Double> medium = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length == 5 && cells[0].startsWith("G") && cells[2].matches("\\d+\\.\\d\\d")) {
                medium.put(cells[0], Double.parseDouble(cells[2]));
            }
        }
        assertEquals(medium.toString(), Table1Config.ALL.size(), medium.size()); // table 1's eight, G+QS, G+DBA+QS
        return medium;
    }

    /** A user's folder without --whitening-images is indexed without whitening, and the run says so; nothing is learned. */
    @Test
    public void userFolderWithoutATrainingSetIsNotWhitened() throws Exception {
        Path dir = temp.getRoot().toPath().resolve("user-unwhitened");
        DatasetGenerator.GeneratedDataset dataset = new DatasetGenerator(42, DatasetSize.TINY).generate(dir.resolve("dataset"));
        DemoOptions options = new DemoOptions(cluster(), DatasetSize.TINY, 0, dataset.imagesDir(), dataset.groundTruth(), null, null,
            dir.resolve("out"), true, null);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoMain.Result run = new DemoMain(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output, output.contains("NOTE: setting: whitening none (no disjoint training set given: --whitening-images DIR)"));
        assertEquals(Table1Config.ALL.size(), run.evaluations().size());
        HttpResponse<String> whitening = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(cluster() + "/_retrieval/whitening/demo-pca")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(whitening.body(), 404, whitening.statusCode());
        HttpResponse<String> training = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(cluster() + "/demo-whitening-training")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(training.body(), 404, training.statusCode());
    }

    @Test
    public void userFolderGroundTruthAndOnnxModelGiveTheSameTable() throws Exception {
        // The generated collection read as a user's folder, and the built-in default's graph uploaded as a
        // user's ONNX file with the built-in configuration: the descriptors are the same, so is the table.
        Path dir = temp.getRoot().toPath().resolve("user");
        DatasetGenerator.GeneratedDataset dataset = new DatasetGenerator(42, DatasetSize.TINY).generate(dir.resolve("dataset"));
        Path onnx = Files.write(dir.resolve("model.onnx"), NsfwjsInceptionV3.onnx());
        Path config = Files.writeString(dir.resolve("model.json"), """
            {"input": {"size": {"longest_side": 160}, "mean": [0, 0, 0], "std": [1, 1, 1]},
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

    /**
     * {@code --model} twice: three more rows (each model alone, their ensemble), and the ensemble index holds, for
     * each image, the two single-model vectors concatenated and normalised (checked by a loop here on the stored vectors).
     */
    @Test
    public void aSecondModelAddsRowsOfEachModelAloneAndOfTheirEnsemble() throws Exception {
        Path dir = temp.getRoot().toPath().resolve("ensemble");
        DatasetGenerator.GeneratedDataset dataset = new DatasetGenerator(42, DatasetSize.TINY).generate(dir.resolve("dataset"));
        Path onnx = Files.write(dir.resolve("model.onnx"), DefaultModel.onnx());
        Path config = Files.writeString(dir.resolve("model.json"), """
            {"input": {"size": {"longest_side": 1024}, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
             "output": {"name": "features", "kind": "feature_map"}, "recipe": {"pooling": {"type": "mac"}, "scales": [1]}}""");
        DemoOptions options = new DemoOptions(cluster(), DatasetSize.TINY, 0, dataset.imagesDir(), dataset.groundTruth(), onnx, config,
            dir.resolve("out"), false, null, onnx);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoMain.Result run = new DemoMain(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output, output.contains("as model [" + EnsembleRows.SECOND_MODEL + "]"));
        assertEquals(Table1Config.ALL.size() + 3, run.evaluations().size());
        for (String row : List.of("G model 1", "G model 2", "G ensemble 1+2")) {
            double map = DemoMain.mAP(run.evaluations().get(row));
            assertTrue(row + " " + map, map > 0 && map <= 1);
            assertTrue(output, output.lines().anyMatch(l -> l.startsWith(row + " ")));
        }
        Map<?, ?> mapping = get("demo-ensemble-2/_mapping");
        assertTrue(mapping.toString(), mapping.toString().contains("dims=256"));
        Map<?, ?> hits = (Map<?, ?>) get("demo-ensemble-2/_search?size=3").get("hits");
        for (Object hit : (List<?>) hits.get("hits")) {
            String id = (String) ((Map<?, ?>) hit).get("_id");
            List<?> ensemble = (List<?>) ((Map<?, ?>) ((Map<?, ?>) hit).get("_source")).get("descriptor");
            List<Object> concatenation = new ArrayList<>();
            concatenation.addAll((List<?>) ((Map<?, ?>) get("demo-ensemble-0/_doc/" + id).get("_source")).get("descriptor"));
            concatenation.addAll((List<?>) ((Map<?, ?>) get("demo-ensemble-1/_doc/" + id).get("_source")).get("descriptor"));
            assertEquals(256, ensemble.size());
            assertEquals(256, concatenation.size());
            for (int i = 0; i < 256; i++) {
                assertEquals(id + " [" + i + "]", ((Number) concatenation.get(i)).doubleValue() / Math.sqrt(2),
                    ((Number) ensemble.get(i)).doubleValue(), 1e-6);
            }
        }
    }
}
