package org.instanceretrieval.demo.run;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A folder of class-labelled photos for {@code --photos DIR}: every {@code .jpg}, {@code .jpeg} or {@code .png} file
 * (case-insensitive; other files are ignored), named {@code CLASS_rest.jpg} or {@code CLASS-rest.jpg}: the class is the
 * file name's part before its first {@code _} or {@code -} ({@link #classOf}). An image's name is its file name without the
 * extension. Every photo is decoded here (Java ImageIO) and its {@link Thumbnail} computed, so an unreadable file stops the
 * run before anything is indexed.
 *
 * @param files name to file, in name order
 * @param classes name to class label
 * @param thumbnails name to the 16 x 16 RGB thumbnail vector of the decoded photo
 */
public record PhotoCollection(Map<String, Path> files, Map<String, String> classes, Map<String, float[]> thumbnails) {

    /**
     * The class of a file name: its part before the first {@code _} or {@code -}.
     *
     * @throws IllegalArgumentException when the name has neither, or starts with one (no class)
     */
    public static String classOf(String fileName) {
        int underscore = fileName.indexOf('_'), dash = fileName.indexOf('-');
        int cut = underscore < 0 ? dash : dash < 0 ? underscore : Math.min(underscore, dash);
        if (cut <= 0) {
            throw new IllegalArgumentException("photo [" + fileName + "] has no class prefix: --photos needs file names CLASS_name or "
                + "CLASS-name (the class is the part before the first '_' or '-'), e.g. garden_01.jpg");
        }
        return fileName.substring(0, cut);
    }

    /** Whether a file name is an image the demo reads (.jpg, .jpeg, .png, any case). */
    public static boolean isImage(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png");
    }

    /**
     * Reads and decodes the folder.
     *
     * @throws IllegalArgumentException for a missing folder, a folder without images, a file name without a class
     *     prefix, two files with the same name, a class with a single photo (the GPR1200 protocol needs at least 2 per
     *     class), or an image that cannot be decoded
     */
    public static PhotoCollection read(Path dir) throws IOException {
        if (Files.isDirectory(dir) == false) {
            throw new IllegalArgumentException("--photos [" + dir + "] is not a folder");
        }
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : (Iterable<Path>) list.filter(Files::isRegularFile).sorted()::iterator) {
                String file = f.getFileName().toString();
                if (isImage(file)) {
                    Path earlier = files.put(file.substring(0, file.lastIndexOf('.')), f);
                    if (earlier != null) {
                        throw new IllegalArgumentException("photos [" + earlier.getFileName() + "] and [" + file + "] have the same name "
                            + "(the file name without its extension is the document id): rename one");
                    }
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--photos [" + dir + "] holds no .jpg, .jpeg or .png images");
        }
        Map<String, String> classes = new LinkedHashMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : files.keySet()) {
            String label = classOf(files.get(name).getFileName().toString());
            classes.put(name, label);
            counts.merge(label, 1, Integer::sum);
        }
        List<String> single = new ArrayList<>();
        counts.forEach((label, n) -> {
            if (n < 2) {
                single.add(label);
            }
        });
        if (single.isEmpty() == false) {
            throw new IllegalArgumentException("classes " + single + " of --photos [" + dir + "] have a single photo: the GPR1200 "
                + "protocol (every photo queries all the others) needs at least 2 photos per class");
        }
        Map<String, float[]> thumbnails = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            thumbnails.put(e.getKey(), Thumbnail.of(decode(e.getValue())));
        }
        return new PhotoCollection(files, classes, thumbnails);
    }

    private static BufferedImage decode(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read image [" + file + "]: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IllegalArgumentException("cannot read image [" + file + "]: not a JPEG or PNG that Java ImageIO can decode");
        }
        return image;
    }

    /** The number of distinct classes. */
    public int classCount() {
        return (int) classes.values().stream().distinct().count();
    }
}
