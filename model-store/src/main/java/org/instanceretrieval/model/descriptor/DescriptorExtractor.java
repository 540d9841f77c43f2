package org.instanceretrieval.model.descriptor;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.model.image.BilinearResize;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ImageDecodingException;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.inference.ModelOutput;
import org.instanceretrieval.pooling.FeatureMap;
import org.instanceretrieval.pooling.Pooling;
import org.instanceretrieval.pooling.Region;
import org.instanceretrieval.whitening.Whitening;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns image bytes into descriptors with one network and a {@link DescriptorRecipe}.
 * Thread-safe and stateless apart from its collaborators; one instance per model serves any
 * number of concurrent images.
 *
 * <p>Steps for an image (and, when given, its bounding box {@code [x1, y1, x2, y2]} in
 * full-image pixels):
 * <ol>
 *   <li>decode ({@link ImageDecoder}: JPEG or PNG, pixel limit checked on the header);</li>
 *   <li>without a box: resize by the recipe's {@link org.instanceretrieval.model.image.ResizePolicy};
 *       with a box: crop to the box (coordinates rounded half to even, as PIL's {@code crop},
 *       clipped to the image), then resize the crop by the scale factors the policy gives the
 *       <em>full</em> image, so that objects keep the scale they have in database images
 *       (retrieval definitions, "Query bounding boxes"). Call the result the base image;</li>
 *   <li>per scale {@code s}: the base image bilinearly rescaled to
 *       {@code max(1, floor(side * s))} per side (torch's {@code interpolate(scale_factor=s)}
 *       size; scale 1 is the base image itself), normalised by the {@link TensorLayout}, run
 *       through the network;</li>
 *   <li>a {@code C x H x W} output is pooled by the recipe's pooling, a vector output is taken
 *       as it is (pooling must then be {@code none}); each is L2-normalised; the per-scale
 *       vectors are combined ({@link DescriptorRecipe#multiScaleCombination()}, which ends with
 *       L2); the optional whitening {@code L2(P (v - m))} is applied last;</li>
 *   <li>patches, when the recipe asks for L levels: the multi-resolution layout on the base
 *       image, each patch cropped from it (so at the global descriptor's scale 1, not enlarged)
 *       and described like the image at that one scale: network, pool, L2, whitening.</li>
 * </ol>
 *
 * <p><b>Threads.</b> Decoding, resizing, tensor building (step 1-3) and pooling, combining and
 * whitening (step 4-5) run on {@code cpuExecutor}; the network runs wherever the
 * {@link ImageModel} runs it (the {@link org.instanceretrieval.model.inference.InferenceService}'s
 * inference executor). Pass {@code Runnable::run} to decode on the caller's thread and pool on
 * the thread that completes the inference. All scales and patches of an image are submitted
 * at once, so those of equal shape (and those of concurrent images) can share a batch.
 *
 * <p><b>Memory.</b> Every array an image needs is reserved on the {@link MemoryBudget} before it is
 * allocated, in two reservations: the decoder's ({@link ImageDecoder#decode(byte[], Reservation)},
 * sized from the header), released once the base image is built; and the pipeline's (the box's crop,
 * the base image, each rescaled image, each network input tensor, each patch crop and its tensor:
 * {@link #pipelineBytes}), held until the network has answered for every input of the image. When the
 * budget refuses, the future completes exceptionally with the budget's exception and nothing of the
 * image stays reserved. Concurrent images share the budget.
 *
 * <p><b>Errors</b> complete the returned future exceptionally: {@link ImageDecodingException} for
 * an image that cannot be decoded; {@link IllegalArgumentException} for a box outside the image,
 * a pooling that does not fit the model's output, or a whitening whose input dimension differs
 * from the descriptor's; the model's own failures as the model reports them.
 */
public final class DescriptorExtractor {

    private final ImageModel model;
    private final TensorLayout layout;
    private final ImageDecoder decoder;
    private final MemoryBudget budget;
    private final Executor cpuExecutor;

    /**
     * @param model       the network
     * @param layout      how pixels become its input tensor
     * @param decoder     decodes image bytes (its pixel limit applies)
     * @param cpuExecutor runs decoding, resizing and pooling (see the class doc)
     */
    public DescriptorExtractor(ImageModel model, TensorLayout layout, ImageDecoder decoder, Executor cpuExecutor) {
        this(model, layout, decoder, MemoryBudget.UNLIMITED, cpuExecutor);
    }

    /**
     * @param budget charged for the image's arrays before they are allocated (see the class doc)
     */
    public DescriptorExtractor(ImageModel model, TensorLayout layout, ImageDecoder decoder, MemoryBudget budget, Executor cpuExecutor) {
        if (model == null || layout == null || decoder == null || budget == null || cpuExecutor == null) {
            throw new IllegalArgumentException("model, tensor layout, decoder, memory budget and executor are required");
        }
        this.model = model;
        this.layout = layout;
        this.decoder = decoder;
        this.budget = budget;
        this.cpuExecutor = cpuExecutor;
    }

    /**
     * Describes one image.
     *
     * @param image  JPEG or PNG bytes
     * @param bbox   the region to describe in full-image pixels, or {@code null} for the whole image
     * @param recipe pooling, scales, size, whitening and patches
     */
    public CompletableFuture<ImageDescriptors> extract(byte[] image, BoundingBox bbox, DescriptorRecipe recipe) {
        if (recipe == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a descriptor recipe is required"));
        }
        CompletableFuture<Submitted> submitted;
        try {
            submitted = CompletableFuture.supplyAsync(() -> submit(image, bbox, recipe), cpuExecutor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submitted.thenCompose(s -> CompletableFuture.allOf(s.outputs().toArray(CompletableFuture[]::new))
            .whenComplete((ignored, error) -> s.reservation().close())
            .thenApplyAsync(ignored -> combine(s.outputs(), recipe), cpuExecutor));
    }

    /** The network inputs of one image, submitted, and the memory reserved for them until they have run. */
    private record Submitted(List<CompletableFuture<ModelOutput>> outputs, Reservation reservation) {}

    /** Steps 1-3 and the patch crops: every network input of the image, submitted; scales first, then patches. */
    private Submitted submit(byte[] bytes, BoundingBox bbox, DescriptorRecipe recipe) {
        Reservation pipeline = null;
        List<CompletableFuture<ModelOutput>> outputs = new ArrayList<>();
        try (Reservation decoding = budget.reserve(0, "decoding an image")) {
            RgbImage full = decoder.decode(bytes, decoding);
            long needed = pipelineBytes(full.width(), full.height(), bbox, recipe);
            pipeline = budget.reserve(needed, "resizing and tensors of a " + full.width() + "x" + full.height() + " image");
            RgbImage base = baseImage(full, bbox, recipe);
            full = null; // unreachable from here: the decoding reservation is released below
            decoding.close();
            for (double s : recipe.scales()) {
                RgbImage scaled = s == 1.0 ? base
                    : BilinearResize.resize(base, scaledSide(base.width(), s), scaledSide(base.height(), s));
                outputs.add(run(scaled));
            }
            if (recipe.patchLevels() > 0) {
                for (Region patch : recipe.patchLayout().patches(base.width(), base.height())) {
                    outputs.add(run(base.crop(patch.x(), patch.y(), patch.right(), patch.bottom())));
                }
            }
            return new Submitted(outputs, pipeline);
        } catch (RuntimeException | Error e) {
            if (pipeline != null) {
                Reservation held = pipeline;
                // inputs already submitted may still be queued: release when they are done
                CompletableFuture.allOf(outputs.toArray(CompletableFuture[]::new)).whenComplete((r, x) -> held.close());
            }
            throw e;
        }
    }

    static int scaledSide(int side, double scale) {
        return Math.max(1, (int) Math.floor(side * scale));
    }

    /**
     * Heap bytes of everything built from a decoded {@code width x height} image: the box's crop (when
     * given), the base image, per scale the rescaled image (scale 1 is the base itself) and its network
     * input tensor, per patch its crop and tensor. Each is three float planes of its size.
     */
    static long pipelineBytes(int width, int height, BoundingBox bbox, DescriptorRecipe recipe) {
        int[] base = baseSize(width, height, bbox, recipe);
        long bytes = RgbImage.bytes(base[2], base[3]) + RgbImage.bytes(base[0], base[1]);
        for (double s : recipe.scales()) {
            long w = scaledSide(base[0], s), h = scaledSide(base[1], s);
            bytes += (s == 1.0 ? 1 : 2) * RgbImage.bytes(w, h);
        }
        if (recipe.patchLevels() > 0) {
            for (Region patch : recipe.patchLayout().patches(base[0], base[1])) {
                bytes += 2 * RgbImage.bytes(patch.right() - patch.x(), patch.bottom() - patch.y());
            }
        }
        return bytes;
    }

    private CompletableFuture<ModelOutput> run(RgbImage image) {
        return run(model, layout, image);
    }

    /** One image through {@code model}, normalised by {@code layout}. */
    static CompletableFuture<ModelOutput> run(ImageModel model, TensorLayout layout, RgbImage image) {
        return model.infer(layout.toTensor(image), image.height(), image.width());
    }

    /**
     * The image that scale 1 describes: the full image resized by the policy, or the box's crop
     * resized by the full image's scale factors.
     */
    static RgbImage baseImage(RgbImage full, BoundingBox bbox, DescriptorRecipe recipe) {
        int[] size = baseSize(full.width(), full.height(), bbox, recipe);
        if (bbox == null) {
            return BilinearResize.resize(full, size[0], size[1]);
        }
        int[] box = box(full.width(), full.height(), bbox);
        return BilinearResize.resize(full.crop(box[0], box[1], box[2], box[3]), size[0], size[1]);
    }

    /**
     * {base width, base height, crop width, crop height} for a {@code width x height} image (crop 0 x 0
     * without a box), computed without touching pixels.
     */
    static int[] baseSize(int width, int height, BoundingBox bbox, DescriptorRecipe recipe) {
        if (bbox == null) {
            int[] size = recipe.resizePolicy().outputSize(width, height);
            return new int[] { size[0], size[1], 0, 0 };
        }
        int[] box = box(width, height, bbox);
        int cw = box[2] - box[0], ch = box[3] - box[1];
        double[] factors = recipe.resizePolicy().scaleFactors(width, height);
        int w = Math.max(1, (int) Math.round(cw * factors[0]));
        int h = Math.max(1, (int) Math.round(ch * factors[1]));
        return new int[] { w, h, cw, ch };
    }

    /** The box rounded half to even and clipped to the image: {x0, y0, x1, y1}; refused when empty. */
    private static int[] box(int width, int height, BoundingBox bbox) {
        int x0 = clamp(Math.rint(bbox.x1()), width);
        int y0 = clamp(Math.rint(bbox.y1()), height);
        int x1 = clamp(Math.rint(bbox.x2()), width);
        int y1 = clamp(Math.rint(bbox.y2()), height);
        if (x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("[bbox] " + Arrays.toString(bbox.toArray()) + " is empty or outside the "
                + width + "x" + height + " image");
        }
        return new int[] { x0, y0, x1, y1 };
    }

    private static int clamp(double v, int max) {
        return (int) Math.max(0, Math.min(max, v));
    }

    /** Steps 4-5: the network outputs (scales, then patches) to descriptors. */
    static ImageDescriptors combine(List<CompletableFuture<ModelOutput>> outputs, DescriptorRecipe recipe) {
        Pooling pooling = recipe.pooling().type() == PoolingSpec.Type.NONE ? null : recipe.pooling().toPooling();
        int scales = recipe.scales().size();
        List<float[]> perScale = new ArrayList<>(scales);
        for (int i = 0; i < scales; i++) {
            perScale.add(describe(outputs.get(i).join(), recipe, pooling));
        }
        float[] descriptor = whiten(recipe.multiScaleCombination().combine(perScale), recipe);
        List<float[]> patches = new ArrayList<>(outputs.size() - scales);
        for (int i = scales; i < outputs.size(); i++) {
            patches.add(whiten(describe(outputs.get(i).join(), recipe, pooling), recipe));
        }
        return new ImageDescriptors(descriptor, patches);
    }

    /** One network output to an L2-normalised vector: pooled if it is a feature map, taken as it is if a vector. */
    private static float[] describe(ModelOutput output, DescriptorRecipe recipe, Pooling pooling) {
        long[] shape = output.shape();
        float[] v;
        if (shape.length == 3) {
            if (pooling == null) {
                throw new IllegalArgumentException("the model outputs a " + shape[0] + " x " + shape[1] + " x " + shape[2]
                    + " feature map: [pooling] must be one of [mac, spoc, gem, rmac, grid], not [none]");
            }
            v = pooling.pool(new FeatureMap((int) shape[0], (int) shape[1], (int) shape[2], output.values()));
        } else if (shape.length == 1) {
            if (pooling != null) {
                throw new IllegalArgumentException("[pooling] [" + recipe.pooling().type().id()
                    + "] is not applicable: the model outputs a vector of dimension " + shape[0] + "; use [none]");
            }
            v = output.values().clone();
        } else {
            throw new IllegalArgumentException("the model output has shape " + Arrays.toString(shape)
                + " per image, neither a C x H x W feature map nor a vector");
        }
        VectorMath.requireFinite(v, "the model's descriptor");
        return VectorMath.l2NormalizeInPlace(v);
    }

    private static float[] whiten(float[] v, DescriptorRecipe recipe) {
        Whitening w = recipe.whitening();
        if (w == null) {
            return v;
        }
        if (w.inputDimension() != v.length) {
            throw new IllegalArgumentException("whitening [" + recipe.whiteningId() + "] expects dimension " + w.inputDimension()
                + " but the model produces " + v.length);
        }
        return w.apply(v);
    }
}
