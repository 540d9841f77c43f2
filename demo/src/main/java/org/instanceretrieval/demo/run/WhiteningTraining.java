package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The images PCA whitening is learned on, disjoint from the evaluated collection (the seed learns whitening on a separate
 * training set): for a generated collection a second generated set of the same size with seed + {@value #SEED_OFFSET}
 * (other objects, other photos), for the user's collection the {@code --whitening-images} folder. It is never the
 * evaluated collection.
 *
 * <p>The training images are indexed under {@value #ID_PREFIX}{@code name}, so the training index shares no document
 * name with the evaluated index even when the two generated sets use the same file names. At most {@value #MAX_SAMPLE}
 * images, spread evenly over the name order.
 *
 * @param images the training sample, document id to file, in name order
 * @param source where the images come from, for the provenance line
 */
public record WhiteningTraining(Map<String, Path> images, String source) {

    public static final long SEED_OFFSET = 1000;
    public static final String ID_PREFIX = "train_";
    static final int MAX_SAMPLE = 500;

    /** The disjoint training set of these options, or null when there is none (a user's collection without {@code --whitening-images}). */
    public static WhiteningTraining of(DemoOptions options) throws IOException {
        if (options.generated()) {
            long seed = options.seed() + SEED_OFFSET;
            Path dir = new DatasetGenerator(seed, options.size()).generate(options.out().resolve("whitening-dataset")).imagesDir();
            return new WhiteningTraining(sample(imagesIn(dir)), "a disjoint generated set (" + options.size().label() + ", seed " + seed
                + ": other objects and photos)");
        }
        if (options.whiteningImages() == null) {
            return null;
        }
        return new WhiteningTraining(sample(imagesIn(options.whiteningImages())), "the disjoint set " + options.whiteningImages());
    }

    /** The provenance line of the learned whitening. */
    public String provenance(int rawDims, int dims) {
        return String.format(Locale.ROOT, "setting: whitening PCA (%d -> %d dimensions) learned on %d images of %s, never on the "
            + "evaluated collection (as the seed learns it on a separate training set)", rawDims, dims, images.size(), source);
    }

    /** At most {@value #MAX_SAMPLE} names spread evenly over the list (not its first ones, which may all be of one kind). */
    static List<String> sampleNames(List<String> names) {
        if (names.size() <= MAX_SAMPLE) {
            return names;
        }
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < MAX_SAMPLE; i++) {
            sample.add(names.get((int) ((long) i * names.size() / MAX_SAMPLE)));
        }
        return sample;
    }

    private static Map<String, Path> sample(Map<String, Path> files) {
        Map<String, Path> sample = new LinkedHashMap<>();
        for (String name : sampleNames(new ArrayList<>(files.keySet()))) {
            sample.put(ID_PREFIX + name, files.get(name));
        }
        return sample;
    }

    /** The .jpg, .jpeg and .png files of a folder by name without extension, in name order. */
    static Map<String, Path> imagesIn(Path dir) throws IOException {
        Map<String, Path> images = new TreeMap<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).forEach(f -> {
                String file = f.getFileName().toString();
                images.put(file.substring(0, file.lastIndexOf('.')), f);
            });
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds no .jpg, .jpeg or .png image to learn whitening on");
        }
        return images;
    }
}
