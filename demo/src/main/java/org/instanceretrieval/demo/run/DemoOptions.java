package org.instanceretrieval.demo.run;

import org.instanceretrieval.demo.dataset.DatasetSize;

import java.nio.file.Path;

/**
 * Command-line options of the demo.
 * <pre>
 *   --es URL                 the node (default http://127.0.0.1:9200)
 *   --size tiny|small|medium|large   generated dataset size (default small)
 *   --seed N                 generator seed (default 42)
 *   --images DIR --ground-truth FILE   the user's images (JPEG/PNG, named as in the ground truth) and json ground truth
 *   --model FILE.onnx        the user's model, uploaded to the model store (default: the built-in model)
 *   --model-config FILE.json its PUT _retrieval/model configuration (default: feature map, longest side 1024, GeM)
 *   --model FILE2.onnx       given a second time: a second model (feature map, GeM); the table gains kNN rows of each model
 *                            alone and of their ensemble ({@link EnsembleRows})
 *   --out DIR                where the dataset and the report go (default target/demo)
 *   --whitening-images DIR   images to learn PCA whitening on, disjoint from the evaluated collection (with --images;
 *                            a generated collection learns on a second generated set, seed + 1000)
 *   --no-whitening           skip learning PCA whitening
 *   --photos DIR             a folder of real photos named CLASS_name.jpg or CLASS-name.jpg (class = the part before the
 *                            first '_' or '-', {@link PhotoCollection#classOf}) instead of the generated dataset: a GPR1200
 *                            table, thumbnail first, then each built-in model and the --model ({@link PhotoDemo}); not with
 *                            --images, --whitening-images or a second --model
 * </pre>
 */
public record DemoOptions(String es, DatasetSize size, long seed, Path images, Path groundTruth, Path model, Path modelConfig,
                          Path out, boolean whitening, Path whiteningImages, Path secondModel, Path photos) {

    /** The options without {@code --photos}. */
    public DemoOptions(String es, DatasetSize size, long seed, Path images, Path groundTruth, Path model, Path modelConfig,
                       Path out, boolean whitening, Path whiteningImages, Path secondModel) {
        this(es, size, seed, images, groundTruth, model, modelConfig, out, whitening, whiteningImages, secondModel, null);
    }

    /** The options without a second {@code --model}. */
    public DemoOptions(String es, DatasetSize size, long seed, Path images, Path groundTruth, Path model, Path modelConfig,
                       Path out, boolean whitening, Path whiteningImages) {
        this(es, size, seed, images, groundTruth, model, modelConfig, out, whitening, whiteningImages, null);
    }

    /** The options without {@code --whitening-images}. */
    public DemoOptions(String es, DatasetSize size, long seed, Path images, Path groundTruth, Path model, Path modelConfig,
                       Path out, boolean whitening) {
        this(es, size, seed, images, groundTruth, model, modelConfig, out, whitening, null);
    }

    public static final String USAGE = """
        usage: demo [--es URL] [--size tiny|small|medium|large] [--seed N]
                    [--images DIR --ground-truth FILE.json] [--model FILE.onnx [--model-config FILE.json] [--model FILE2.onnx]]
                    [--out DIR] [--whitening-images DIR] [--no-whitening]
               demo [--es URL] --photos DIR [--model FILE.onnx [--model-config FILE.json]]   (DIR: CLASS_name.jpg files)""";

    public static DemoOptions parse(String[] args) {
        String es = "http://127.0.0.1:9200";
        DatasetSize size = DatasetSize.SMALL;
        long seed = 42;
        Path images = null, groundTruth = null, model = null, modelConfig = null, out = Path.of("target", "demo"), whiteningImages = null;
        Path secondModel = null, photos = null;
        boolean whitening = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--no-whitening")) {
                whitening = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + arg + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--es" -> es = value;
                case "--size" -> size = DatasetSize.parse(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--images" -> images = Path.of(value);
                case "--ground-truth" -> groundTruth = Path.of(value);
                case "--model" -> {
                    if (model == null) {
                        model = Path.of(value);
                    } else if (secondModel == null) {
                        secondModel = Path.of(value);
                    } else {
                        throw new IllegalArgumentException("--model is given at most twice (a second model adds ensemble rows)\n" + USAGE);
                    }
                }
                case "--model-config" -> modelConfig = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--whitening-images" -> whiteningImages = Path.of(value);
                case "--photos" -> photos = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
        }
        if ((images == null) != (groundTruth == null)) {
            throw new IllegalArgumentException("--images and --ground-truth go together\n" + USAGE);
        }
        if (modelConfig != null && model == null) {
            throw new IllegalArgumentException("--model-config needs --model\n" + USAGE);
        }
        if (whiteningImages != null && images == null) {
            throw new IllegalArgumentException("--whitening-images goes with --images (a generated collection learns on a second "
                + "generated set)\n" + USAGE);
        }
        if (photos != null && (images != null || whiteningImages != null || secondModel != null)) {
            throw new IllegalArgumentException("--photos replaces --images/--ground-truth and takes no --whitening-images and at most "
                + "one --model\n" + USAGE);
        }
        return new DemoOptions(es, size, seed, images, groundTruth, model, modelConfig, out, whitening, whiteningImages, secondModel,
            photos);
    }

    public boolean generated() {
        return images == null && photos == null;
    }
}
