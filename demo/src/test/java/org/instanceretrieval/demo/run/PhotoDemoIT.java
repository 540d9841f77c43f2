package org.instanceretrieval.demo.run;

import org.instanceretrieval.model.onnx.DefaultModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * {@code --photos} against the real node the build started, on a folder made of the four real photos of
 * testdata/photos: each photo and three crops of it (one as PNG, one named with a '-'), 16 images in 4 classes, plus the
 * built-in graph uploaded as a user's {@code --model}. The printed table has the thumbnail row first, then
 * {@code default}, {@code filter_bank}, {@code nsfwjs_mobilenet_v2} and the user's model; every row's mAP equals a brute-force GPR1200
 * computation here (dot products of the vectors read back from each index, non-interpolated AP, the query itself
 * ranked and counted a positive), and the stored thumbnails equal a per-pixel loop written here.
 */
public class PhotoDemoIT {

    @ClassRule
    public static TemporaryFolder temp = new TemporaryFolder();

    private static final List<String> PHOTOS = List.of("garden", "ladybird", "aqua", "blinds");
    private static DemoMain.Result result;
    private static String output;
    private static Path folder;

    private static String cluster() {
        return "http://" + System.getProperty("tests.rest.cluster", "127.0.0.1:9200");
    }

    @BeforeClass
    public static void runPhotoDemo() throws Exception {
        Path dir = temp.getRoot().toPath();
        folder = Files.createDirectories(dir.resolve("photos"));
        for (String photo : PHOTOS) {
            BufferedImage image;
            try (InputStream in = PhotoDemoIT.class.getResourceAsStream("/photos/" + photo + ".jpg")) {
                image = ImageIO.read(in);
            }
            int w = image.getWidth(), h = image.getHeight();
            try (InputStream in = PhotoDemoIT.class.getResourceAsStream("/photos/" + photo + ".jpg")) {
                Files.copy(in, folder.resolve(photo + "_0.jpg"));
            }
            ImageIO.write(copy(image.getSubimage(w / 10, h / 10, w * 8 / 10, h * 8 / 10)), "jpg", folder.resolve(photo + "_1.jpg").toFile());
            ImageIO.write(copy(image.getSubimage(0, 0, w * 3 / 4, h * 3 / 4)), "png", folder.resolve(photo + "_2.png").toFile());
            ImageIO.write(copy(image.getSubimage(w * 3 / 10, h * 3 / 10, w * 7 / 10, h * 7 / 10)), "jpg",
                folder.resolve(photo + "-3.jpg").toFile());
        }
        Path onnx = Files.write(dir.resolve("model.onnx"), DefaultModel.onnx());
        Path config = Files.writeString(dir.resolve("model.json"), """
            {"input": {"size": {"longest_side": 1024}, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
             "output": {"name": "features", "kind": "feature_map"}, "recipe": {"pooling": {"type": "gem", "p": 3}, "scales": [1]}}""");
        DemoOptions options = DemoOptions.parse(new String[] { "--es", cluster(), "--photos", folder.toString(), "--model", onnx.toString(),
            "--model-config", config.toString(), "--out", dir.resolve("out").toString() });
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        result = new DemoMain(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
        output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
    }

    private static BufferedImage copy(BufferedImage sub) {
        BufferedImage out = new BufferedImage(sub.getWidth(), sub.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(sub, 0, 0, null);
        return out;
    }

    @Test
    public void theTableStartsWithTheThumbnailThenEachModel() {
        List<String> lines = output.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("Descriptor (GPR1200)")).findFirst().orElseThrow());
        List<String> expected = List.of("thumbnail 16x16", "default", "filter_bank", "nsfwjs_mobilenet_v2", DemoMain.USER_MODEL);
        for (int i = 0; i < expected.size(); i++) {
            String line = lines.get(header + 1 + i);
            assertTrue(output, line.startsWith(expected.get(i) + " ") && line.trim().matches(".*\\s\\d+\\.\\d\\d"));
        }
        assertTrue(output, lines.get(header + 1 + expected.size()).isBlank());
        assertEquals(List.of("thumbnail 16x16", "default", "filter_bank", "nsfwjs_mobilenet_v2", DemoMain.USER_MODEL),
            List.copyOf(result.evaluations().keySet()));
        assertTrue(output, output.contains("16 photos in 4 classes"));
    }

    @Test
    public void everyRowIsTheBruteForceGpr1200MapOfItsStoredVectors() throws Exception {
        List<String> rows = List.copyOf(result.evaluations().keySet());
        Map<String, Double> printed = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            for (String row : rows) {
                if (line.startsWith(row + " ") && line.trim().matches(".*\\s\\d+\\.\\d\\d") && line.startsWith("    ") == false) {
                    String[] cells = line.trim().split("\\s+");
                    printed.put(row, Double.parseDouble(cells[cells.length - 1]));
                }
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Map<String, double[]> vectors = vectors(PhotoDemo.PREFIX + i);
            assertEquals(rows.get(i), 16, vectors.size());
            double expected = bruteForceMap(vectors);
            double reported = ResultTable.mAP(result.evaluations().get(rows.get(i)));
            assertEquals(rows.get(i), expected, reported, 1e-6);
            assertEquals(rows.get(i) + " printed", 100 * expected, printed.get(rows.get(i)), 0.0051);
            assertTrue(rows.get(i) + " " + expected, expected > 0 && expected <= 1);
        }
        // the user's upload of the filter bank's graph with its built-in configuration describes the photos as `filter_bank` does
        assertEquals(ResultTable.mAP(result.evaluations().get("filter_bank")), ResultTable.mAP(result.evaluations().get(DemoMain.USER_MODEL)),
            1e-6);
    }

    /** The stored thumbnail of each photo against this test's own loop over the decoded pixels. */
    @Test
    public void storedThumbnailsAreThe16x16AreaAverageCentredAndNormalised() throws Exception {
        Map<String, double[]> stored = vectors(PhotoDemo.PREFIX + 0);
        for (Map.Entry<String, double[]> e : stored.entrySet()) {
            Path file;
            try (var list = Files.list(folder)) {
                file = list.filter(f -> f.getFileName().toString().startsWith(e.getKey() + ".")).findFirst().orElseThrow();
            }
            BufferedImage image = ImageIO.read(file.toFile());
            double[] expected = new double[768];
            for (int c = 0; c < 3; c++) {
                for (int cy = 0; cy < 16; cy++) {
                    for (int cx = 0; cx < 16; cx++) {
                        double sum = 0;
                        int n = 0;
                        for (int y = 0; y < image.getHeight(); y++) {
                            for (int x = 0; x < image.getWidth(); x++) {
                                if (y * 16 / image.getHeight() == cy && x * 16 / image.getWidth() == cx) {
                                    sum += (image.getRGB(x, y) >> (16 - 8 * c) & 0xff) / 255.0;
                                    n++;
                                }
                            }
                        }
                        expected[c * 256 + cy * 16 + cx] = sum / n;
                    }
                }
            }
            double mean = Arrays.stream(expected).average().orElseThrow();
            double norm = Math.sqrt(Arrays.stream(expected).map(v -> (v - mean) * (v - mean)).sum());
            for (int k = 0; k < 768; k++) {
                assertEquals(e.getKey() + "[" + k + "]", (expected[k] - mean) / norm, e.getValue()[k], 1e-5);
            }
        }
    }

    /** GPR1200: every image queries all, itself included; positives = its class (itself included); non-interpolated AP. */
    private static double bruteForceMap(Map<String, double[]> vectors) {
        List<String> names = List.copyOf(vectors.keySet());
        double sum = 0;
        for (String q : names) {
            List<String> ranking = new ArrayList<>(names);
            ranking.sort(Comparator.comparingDouble((String d) -> -dot(vectors.get(q), vectors.get(d))));
            String label = q.split("[_-]")[0];
            int positives = 0, found = 0;
            double ap = 0;
            for (String d : names) {
                positives += d.split("[_-]")[0].equals(label) ? 1 : 0;
            }
            for (int r = 0; r < ranking.size(); r++) {
                if (ranking.get(r).split("[_-]")[0].equals(label)) {
                    found++;
                    ap += (double) found / (r + 1);
                }
            }
            sum += ap / positives;
        }
        return sum / names.size();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Every document's {@code descriptor}, read with a plain HTTP search (not the demo's client). */
    private static Map<String, double[]> vectors(String index) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(cluster() + "/" + index + "/_search?size=1000&_source=descriptor")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(response.body(), 200, response.statusCode());
        Map<?, ?> body = new ObjectMapper().readValue(response.body(), Map.class);
        Map<String, double[]> vectors = new LinkedHashMap<>();
        for (Object hit : (List<?>) ((Map<?, ?>) body.get("hits")).get("hits")) {
            List<?> v = (List<?>) ((Map<?, ?>) ((Map<?, ?>) hit).get("_source")).get("descriptor");
            vectors.put((String) ((Map<?, ?>) hit).get("_id"), v.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray());
        }
        return vectors;
    }
}
