package org.instanceretrieval.demo.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

public class DatasetGeneratorTests {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void sameSeedGivesTheSameBytesAndAnotherSeedOtherImages() throws Exception {
        Path a = temp.newFolder("a").toPath(), b = temp.newFolder("b").toPath(), c = temp.newFolder("c").toPath();
        new DatasetGenerator(7, DatasetSize.TINY).generate(a);
        new DatasetGenerator(7, DatasetSize.TINY).generate(b);
        new DatasetGenerator(8, DatasetSize.TINY).generate(c);
        List<Path> files = files(a);
        assertEquals(DatasetSize.TINY.databaseImages() + DatasetSize.TINY.objects() + 2, files.size());
        for (Path file : files) {
            Path relative = a.relativize(file);
            assertArrayEquals(relative.toString(), Files.readAllBytes(file), Files.readAllBytes(b.resolve(relative)));
        }
        Path image = Path.of("images", "obj000_view00.jpg");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(image)), Files.readAllBytes(c.resolve(image))));
    }

    @Test
    @SuppressWarnings("unchecked")
    public void groundTruthNamesEveryViewOfItsObjectAndNoDistractor() throws Exception {
        Path dir = temp.newFolder("gt").toPath();
        DatasetGenerator.GeneratedDataset dataset = new DatasetGenerator(3, DatasetSize.TINY).generate(dir);
        Map<String, Object> gt = new ObjectMapper().readValue(dir.resolve("ground-truth.json").toFile(), Map.class);
        assertEquals("revisited", gt.get("protocol"));
        List<String> database = (List<String>) gt.get("database");
        assertEquals(DatasetSize.TINY.databaseImages(), database.size());
        assertEquals(database.size(), new HashSet<>(database).size());
        List<Map<String, Object>> queries = (List<Map<String, Object>>) gt.get("queries");
        assertEquals(DatasetSize.TINY.objects(), queries.size());
        Set<String> judged = new HashSet<>();
        for (Map<String, Object> query : queries) {
            String name = (String) query.get("name");
            assertTrue(name, name.startsWith("query_obj"));
            assertFalse("queries are not in the database", database.contains(name));
            String object = name.substring("query_".length());
            List<String> relevant = new ArrayList<>();
            for (String subset : List.of("easy", "hard", "junk")) {
                for (String image : (List<String>) query.get(subset)) {
                    assertTrue(image + " of " + name, image.startsWith(object + "_view"));
                    assertTrue(judged.add(image));
                    relevant.add(image);
                }
            }
            // Every view of the object is judged once: easy, hard or junk.
            assertEquals(name, DatasetSize.TINY.viewsPerObject(), relevant.size());
            List<Integer> box = (List<Integer>) query.get("box");
            assertTrue(box.get(0) >= 0 && box.get(1) >= 0 && box.get(2) <= DatasetSize.WIDTH && box.get(3) <= DatasetSize.HEIGHT);
            assertTrue(box.get(2) - box.get(0) > 40 && box.get(3) - box.get(1) > 40);
        }
        for (String name : database) {
            assertTrue(Files.exists(dir.resolve("images").resolve(name + ".jpg")));
            assertEquals(name, name.startsWith("distractor_") == false, judged.contains(name));
        }
        for (DatasetGenerator.ImageRecord record : dataset.images()) {
            BufferedImage image = ImageIO.read(dir.resolve("images").resolve(record.name() + ".jpg").toFile());
            assertEquals(DatasetSize.WIDTH, image.getWidth());
            assertEquals(DatasetSize.HEIGHT, image.getHeight());
            if (record.subset() == null) {
                continue;
            }
            String expected = record.subset().equals("query") ? "query"
                : record.visibleFraction() < DatasetGenerator.JUNK_VISIBLE ? "junk"
                : record.strength() < DatasetGenerator.HARD_STRENGTH && record.visibleFraction() >= DatasetGenerator.EASY_VISIBLE ? "easy"
                : "hard";
            assertEquals(record.name(), expected, record.subset());
        }
    }

    @Test
    public void queryBoxHoldsTheObject() throws Exception {
        // The query photo's box is where the object was drawn: the pixels that differ between the
        // photo and the same photo of the object in inverted colours (same shape, same random
        // draws) must lie inside it.
        PhotoRenderer renderer = new PhotoRenderer(DatasetSize.WIDTH, DatasetSize.HEIGHT);
        BufferedImage object = ObjectDesign.random(new java.util.SplittableRandom(11)).render();
        PhotoRenderer.ViewPath path = PhotoRenderer.ViewPath.random(new java.util.SplittableRandom(12));
        PhotoRenderer.Photo with = renderer.render(object, path, DatasetGenerator.QUERY_STRENGTH, new BufferedImage[0],
            new java.util.SplittableRandom(13));
        BufferedImage inverted = new BufferedImage(object.getWidth(), object.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < object.getHeight(); y++) {
            for (int x = 0; x < object.getWidth(); x++) {
                int argb = object.getRGB(x, y);
                inverted.setRGB(x, y, (argb & 0xFF000000) | (~argb & 0xFFFFFF));
            }
        }
        PhotoRenderer.Photo without = renderer.render(inverted, path, DatasetGenerator.QUERY_STRENGTH, new BufferedImage[0],
            new java.util.SplittableRandom(13));
        assertNotNull(with.box());
        int inside = 0, outside = 0;
        for (int y = 0; y < DatasetSize.HEIGHT; y++) {
            for (int x = 0; x < DatasetSize.WIDTH; x++) {
                if (with.image().getRGB(x, y) != without.image().getRGB(x, y)) {
                    // The box holds the pixels at least half covered; anti-aliased edges (bilinear
                    // alpha, about one canvas pixel, scaled up) may reach 2 pixels beyond it.
                    boolean in = x >= with.box()[0] - 2 && x < with.box()[2] + 2 && y >= with.box()[1] - 2 && y < with.box()[3] + 2;
                    if (in) {
                        inside++;
                    } else {
                        outside++;
                    }
                }
            }
        }
        assertTrue("object pixels inside the box: " + inside, inside > 2000);
        assertEquals("object pixels outside the box", 0, outside);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
