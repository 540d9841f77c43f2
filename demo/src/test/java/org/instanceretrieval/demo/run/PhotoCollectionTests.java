package org.instanceretrieval.demo.run;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** The {@code --photos} file-name class rule, its option, and the folder's error cases, on real photos of testdata/photos. */
public class PhotoCollectionTests {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void theClassIsThePartBeforeTheFirstUnderscoreOrDash() {
        assertEquals("garden", PhotoCollection.classOf("garden_01.jpg"));
        assertEquals("garden", PhotoCollection.classOf("garden-01.jpg"));
        assertEquals("red", PhotoCollection.classOf("red-car_2.png"));
        assertEquals("red", PhotoCollection.classOf("red_car-2.png"));
        assertEquals("Aqua", PhotoCollection.classOf("Aqua__x.JPEG"));
        for (String bad : new String[] { "garden.jpg", "_01.jpg", "-01.jpg" }) {
            String message = assertThrows(IllegalArgumentException.class, () -> PhotoCollection.classOf(bad)).getMessage();
            assertTrue(message, message.contains("[" + bad + "] has no class prefix"));
            assertTrue(message, message.contains("before the first '_' or '-'"));
        }
        assertTrue(PhotoCollection.isImage("a_1.JPG"));
        assertTrue(PhotoCollection.isImage("a_1.jpeg"));
        assertTrue(PhotoCollection.isImage("a_1.png"));
        assertFalse(PhotoCollection.isImage("a_1.gif"));
    }

    @Test
    public void photosOption() {
        DemoOptions options = DemoOptions.parse(new String[] { "--photos", "pics", "--model", "m.onnx" });
        assertEquals(Path.of("pics"), options.photos());
        assertEquals(Path.of("m.onnx"), options.model());
        assertFalse(options.generated());
        assertNull(DemoOptions.parse(new String[0]).photos());
        for (String[] bad : new String[][] {
            { "--photos", "p", "--images", "i", "--ground-truth", "g.json" },
            { "--photos", "p", "--model", "a.onnx", "--model", "b.onnx" } }) {
            String message = assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(bad)).getMessage();
            assertTrue(message, message.startsWith("--photos replaces --images"));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(new String[] { "--photos" }))
            .getMessage().contains("option --photos needs a value"));
    }

    @Test
    public void readsClassesAndThumbnails() throws Exception {
        Path dir = temp.newFolder("ok").toPath();
        copy("garden", dir.resolve("garden_1.jpg"));
        copy("garden", dir.resolve("garden-2.jpg"));
        copy("aqua", dir.resolve("aqua_1.jpg"));
        copy("aqua", dir.resolve("aqua_2.jpg"));
        Files.writeString(dir.resolve("notes.txt"), "not an image, ignored");
        PhotoCollection photos = PhotoCollection.read(dir);
        assertEquals(Map.of("garden_1", "garden", "garden-2", "garden", "aqua_1", "aqua", "aqua_2", "aqua"), photos.classes());
        assertEquals(2, photos.classCount());
        for (float[] v : photos.thumbnails().values()) {
            assertEquals(768, v.length);
            double norm = 0, sum = 0;
            for (float x : v) {
                norm += x * x;
                sum += x;
            }
            assertEquals(1, norm, 1e-5);
            assertEquals("centred", 0, sum, 1e-3);
        }
    }

    @Test
    public void errorsSayWhatIsWrong() throws Exception {
        Path empty = temp.newFolder("empty").toPath();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PhotoCollection.read(empty)).getMessage()
            .contains("holds no .jpg, .jpeg or .png images"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PhotoCollection.read(empty.resolve("missing"))).getMessage()
            .contains("is not a folder"));

        Path single = temp.newFolder("single").toPath();
        copy("garden", single.resolve("garden_1.jpg"));
        copy("garden", single.resolve("garden_2.jpg"));
        copy("aqua", single.resolve("aqua_1.jpg"));
        String message = assertThrows(IllegalArgumentException.class, () -> PhotoCollection.read(single)).getMessage();
        assertTrue(message, message.startsWith("classes [aqua] of --photos"));
        assertTrue(message, message.contains("needs at least 2 photos per class"));

        Path broken = temp.newFolder("broken").toPath();
        copy("garden", broken.resolve("garden_1.jpg"));
        Files.write(broken.resolve("garden_2.jpg"), new byte[] { 1, 2, 3, 4 });
        message = assertThrows(IllegalArgumentException.class, () -> PhotoCollection.read(broken)).getMessage();
        assertTrue(message, message.startsWith("cannot read image [" + broken.resolve("garden_2.jpg")));

        Path unlabelled = temp.newFolder("unlabelled").toPath();
        copy("garden", unlabelled.resolve("garden.jpg"));
        message = assertThrows(IllegalArgumentException.class, () -> PhotoCollection.read(unlabelled)).getMessage();
        assertTrue(message, message.contains("[garden.jpg] has no class prefix"));

        Path twice = temp.newFolder("twice").toPath();
        copy("garden", twice.resolve("garden_1.jpg"));
        copy("garden", twice.resolve("garden_1.png"));
        message = assertThrows(IllegalArgumentException.class, () -> PhotoCollection.read(twice)).getMessage();
        assertTrue(message, message.contains("have the same name"));
    }

    static void copy(String photo, Path to) throws Exception {
        try (InputStream in = PhotoCollectionTests.class.getResourceAsStream("/photos/" + photo + ".jpg")) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
