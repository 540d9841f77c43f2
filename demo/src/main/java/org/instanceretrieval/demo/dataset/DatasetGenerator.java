package org.instanceretrieval.demo.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generates an instance-retrieval dataset with no download: {@link DatasetSize#objects()}
 * textured objects, each photographed {@link DatasetSize#viewsPerObject()} times under growing
 * changes of viewpoint, scale, rotation, crop, occlusion, illumination and clutter, plus
 * distractor photos of other objects, and one query photo per object with its box.
 *
 * <p>Output in a directory: {@code images/*.jpg} (database and query photos), {@code
 * ground-truth.json} in the project's {@code json} ground-truth format with protocol {@code
 * revisited} (easy: a view of transformation strength below {@value #HARD_STRENGTH} with at
 * least {@value #EASY_VISIBLE} of the object showing; junk: less than {@value #JUNK_VISIBLE}
 * showing; hard: the other views), and {@code manifest.json} (per image: object, strength,
 * visible fraction, box).
 *
 * <p>Deterministic: the same seed and size give the same bytes (on one JDK: Java2D's
 * anti-aliasing and the JPEG encoder belong to the JDK).
 */
public final class DatasetGenerator {

    static final double HARD_STRENGTH = 0.5;
    static final double EASY_VISIBLE = 0.6;
    static final double JUNK_VISIBLE = 0.3;
    static final double QUERY_STRENGTH = 0.1;
    static final float JPEG_QUALITY = 0.9f;

    /** One generated image. {@code object} is null for distractors; {@code subset} is easy, hard, junk, query or null. */
    public record ImageRecord(String name, String object, double strength, double visibleFraction, int[] box, String subset) {}

    /** What {@link #generate} wrote. */
    public record GeneratedDataset(Path directory, Path imagesDir, Path groundTruth, List<ImageRecord> images,
                                   Map<String, Object> groundTruthJson) {}

    private final long seed;
    private final DatasetSize size;

    public DatasetGenerator(long seed, DatasetSize size) {
        this.seed = seed;
        this.size = size;
    }

    /** Renders every image into {@code directory} (created if needed) and writes the ground truth. */
    public GeneratedDataset generate(Path directory) throws IOException {
        Path imagesDir = directory.resolve("images");
        Files.createDirectories(imagesDir);
        SplittableRandom master = new SplittableRandom(seed);
        // Designs and per-image random streams are split off in a fixed order, so images can be
        // rendered in parallel and still come out the same.
        List<ObjectDesign> designs = new ArrayList<>();
        for (int i = 0; i < size.objects(); i++) {
            designs.add(ObjectDesign.random(master.split()));
        }
        int distractorDesigns = Math.max(8, size.distractors() / 4);
        List<ObjectDesign> others = new ArrayList<>();
        for (int i = 0; i < distractorDesigns; i++) {
            others.add(ObjectDesign.random(master.split()));
        }
        List<Job> jobs = new ArrayList<>();
        List<PhotoRenderer.ViewPath> paths = new ArrayList<>();
        for (int o = 0; o < size.objects(); o++) {
            jobs.add(new Job(String.format(Locale.ROOT, "query_obj%03d", o), o, QUERY_STRENGTH, -1, master.split()));
            SplittableRandom strengths = master.split();
            PhotoRenderer.ViewPath path = PhotoRenderer.ViewPath.random(strengths);
            paths.add(path);
            for (int v = 0; v < size.viewsPerObject(); v++) {
                double strength = (v + strengths.nextDouble()) / size.viewsPerObject();
                jobs.add(new Job(String.format(Locale.ROOT, "obj%03d_view%02d", o, v), o, strength, -1, master.split()));
            }
        }
        for (int d = 0; d < size.distractors(); d++) {
            SplittableRandom random = master.split();
            jobs.add(new Job(String.format(Locale.ROOT, "distractor_%04d", d), -1, random.nextDouble(), random.nextInt(others.size()), random));
        }
        List<BufferedImage> objectImages = designs.stream().map(ObjectDesign::render).toList();
        List<BufferedImage> otherImages = others.stream().map(ObjectDesign::render).toList();
        PhotoRenderer renderer = new PhotoRenderer(DatasetSize.WIDTH, DatasetSize.HEIGHT);
        ImageRecord[] records = new ImageRecord[jobs.size()];
        IntStream.range(0, jobs.size()).parallel().forEach(i -> {
            Job job = jobs.get(i);
            PhotoRenderer.Photo photo;
            if (job.object >= 0) {
                photo = renderer.render(objectImages.get(job.object), paths.get(job.object), job.strength, new BufferedImage[0], job.random);
            } else {
                photo = renderer.render(null, null, job.strength, new BufferedImage[] { otherImages.get(job.distractorDesign) }, job.random);
            }
            writeJpeg(photo.image(), imagesDir.resolve(job.name + ".jpg"));
            String object = job.object >= 0 ? objectName(job.object) : null;
            records[i] = new ImageRecord(job.name, object, job.strength, photo.visibleFraction(), photo.box(), subset(job, photo));
        });
        List<ImageRecord> images = List.of(records);
        Map<String, Object> groundTruth = groundTruth(images);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path groundTruthFile = directory.resolve("ground-truth.json");
        mapper.writeValue(groundTruthFile.toFile(), groundTruth);
        mapper.writeValue(directory.resolve("manifest.json").toFile(), Map.of("seed", seed, "size", size.label(), "images", images));
        return new GeneratedDataset(directory, imagesDir, groundTruthFile, images, groundTruth);
    }

    private record Job(String name, int object, double strength, int distractorDesign, SplittableRandom random) {}

    static String objectName(int object) {
        return String.format(Locale.ROOT, "obj%03d", object);
    }

    private static String subset(Job job, PhotoRenderer.Photo photo) {
        if (job.object < 0) {
            return null;
        }
        if (job.name.startsWith("query_")) {
            return "query";
        }
        if (photo.visibleFraction() < JUNK_VISIBLE) {
            return "junk";
        }
        return job.strength < HARD_STRENGTH && photo.visibleFraction() >= EASY_VISIBLE ? "easy" : "hard";
    }

    /** The {@code json} ground truth: database = every non-query image; per object one query with easy/hard/junk and its box. */
    static Map<String, Object> groundTruth(List<ImageRecord> images) {
        List<String> database = new ArrayList<>();
        Map<String, Map<String, Object>> queries = new LinkedHashMap<>();
        for (ImageRecord image : images) {
            if ("query".equals(image.subset())) {
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("name", image.name());
                query.put("easy", new ArrayList<String>());
                query.put("hard", new ArrayList<String>());
                query.put("junk", new ArrayList<String>());
                query.put("box", List.of(image.box()[0], image.box()[1], image.box()[2], image.box()[3]));
                queries.put(image.object(), query);
            }
        }
        for (ImageRecord image : images) {
            if ("query".equals(image.subset())) {
                continue;
            }
            database.add(image.name());
            if (image.object() != null) {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) queries.get(image.object()).get(image.subset());
                list.add(image.name());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol", "revisited");
        out.put("database", database);
        out.put("queries", new ArrayList<>(queries.values()));
        return out;
    }

    static void writeJpeg(BufferedImage image, Path file) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (OutputStream out = Files.newOutputStream(file); ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            writer.dispose();
        }
    }
}
