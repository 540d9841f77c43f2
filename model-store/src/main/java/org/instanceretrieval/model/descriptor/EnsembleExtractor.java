package org.instanceretrieval.model.descriptor;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.math.VectorMath;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.model.image.BilinearResize;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.inference.ModelOutput;
import org.instanceretrieval.whitening.Whitening;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Describes an image with an ensemble of networks, each with its own {@link DescriptorRecipe}, in
 * one pass: the image is decoded once and the decoded image is shared by every member. Thread-safe
 * and stateless apart from its collaborators.
 *
 * <p>Member {@code i}'s descriptor {@code d_i} is exactly what {@link DescriptorExtractor} gives
 * for that network and recipe (resize or box crop, scales, pooling, L2, multi-scale combination,
 * the member's own whitening if its recipe has one), so it has unit norm. The ensemble descriptor
 * is {@code L2(W([w_1 d_1, ..., w_n d_n]))}: each member scaled by its weight, concatenated in
 * member order, then the ensemble's optional whitening {@code W} (learned on such concatenations;
 * its own L2 included), then L2. Its dimension is the sum of the members' dimensions, or the
 * whitening's output dimension.
 *
 * <p><b>Threads</b> as {@link DescriptorExtractor}: decoding, resizing and tensors on
 * {@code cpuExecutor}, then every member's every scale submitted at once (the
 * {@link org.instanceretrieval.model.inference.InferenceService} batches inputs of one model and
 * size, also across members that share a model), pooling and concatenation on {@code cpuExecutor}.
 *
 * <p><b>Memory.</b> The decoder's reservation (sized from the header) is taken once for all
 * members and released once every member's base image is built; the pipeline reservation is the
 * sum of every member's {@link DescriptorExtractor#pipelineBytes} (its box crop, base image,
 * rescaled images and input tensors), held until every network has answered. Each member's batch
 * inputs and outputs are charged by its model as for a single model. When the budget refuses,
 * the future completes exceptionally with the budget's exception and nothing stays reserved.
 *
 * <p><b>Errors</b> as {@link DescriptorExtractor}; a member recipe with patches is refused at
 * construction; an ensemble whitening whose input dimension differs from the concatenation's
 * completes exceptionally with an {@link IllegalArgumentException} naming both.
 */
public final class EnsembleExtractor {

    /** Most members an ensemble may have. */
    public static final int MAX_MEMBERS = 8;

    /**
     * One network of an ensemble.
     *
     * @param name   how errors name the member (its model id)
     * @param weight the factor its unit-norm descriptor is scaled by before concatenation; finite, {@code > 0}
     */
    public record Member(String name, ImageModel model, TensorLayout layout, DescriptorRecipe recipe, double weight) {
        public Member {
            if (name == null || model == null || layout == null || recipe == null) {
                throw new IllegalArgumentException("a member needs a name, a model, a tensor layout and a recipe");
            }
            if (Double.isFinite(weight) == false || weight <= 0) {
                throw new IllegalArgumentException("[weight] of member [" + name + "] must be a finite number > 0 but was [" + weight + "]");
            }
            if (recipe.patchLevels() != 0) {
                throw new IllegalArgumentException("member [" + name + "] asks for patches: an ensemble describes whole images only");
            }
        }
    }

    private final List<Member> members;
    private final ImageDecoder decoder;
    private final MemoryBudget budget;
    private final Executor cpuExecutor;

    /**
     * @param members     1 to {@value #MAX_MEMBERS} members, in concatenation order
     * @param decoder     decodes image bytes once for all members (its pixel limit applies)
     * @param budget      charged for the decoded image and every member's arrays before they are allocated
     * @param cpuExecutor runs decoding, resizing, pooling and concatenation
     */
    public EnsembleExtractor(List<Member> members, ImageDecoder decoder, MemoryBudget budget, Executor cpuExecutor) {
        if (members == null || members.isEmpty() || members.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("an ensemble needs 1 to " + MAX_MEMBERS + " members but got "
                + (members == null ? 0 : members.size()));
        }
        if (decoder == null || budget == null || cpuExecutor == null) {
            throw new IllegalArgumentException("decoder, memory budget and executor are required");
        }
        this.members = List.copyOf(members);
        this.decoder = decoder;
        this.budget = budget;
        this.cpuExecutor = cpuExecutor;
    }

    /** The members, in concatenation order. */
    public List<Member> members() {
        return members;
    }

    /**
     * Describes one image.
     *
     * @param image       JPEG or PNG bytes
     * @param bbox        the region to describe in full-image pixels, or {@code null} for the whole image
     * @param whiteningId the ensemble whitening's id (for errors), or {@code null}
     * @param whitening   applied to the weighted concatenation, or {@code null}
     * @return the unit-norm ensemble descriptor
     */
    public CompletableFuture<float[]> extract(byte[] image, BoundingBox bbox, String whiteningId, Whitening whitening) {
        CompletableFuture<Submitted> submitted;
        try {
            submitted = CompletableFuture.supplyAsync(() -> submit(image, bbox), cpuExecutor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submitted.thenCompose(s -> CompletableFuture.allOf(s.all().toArray(CompletableFuture[]::new))
            .whenComplete((ignored, error) -> s.reservation().close())
            .thenApplyAsync(ignored -> combine(s.perMember(), whiteningId, whitening), cpuExecutor));
    }

    /** Every member's submitted network inputs (its scales, in order) and the memory held until they have run. */
    private record Submitted(List<List<CompletableFuture<ModelOutput>>> perMember, Reservation reservation) {
        List<CompletableFuture<ModelOutput>> all() {
            List<CompletableFuture<ModelOutput>> all = new ArrayList<>();
            perMember.forEach(all::addAll);
            return all;
        }
    }

    private Submitted submit(byte[] bytes, BoundingBox bbox) {
        Reservation pipeline = null;
        List<List<CompletableFuture<ModelOutput>>> perMember = new ArrayList<>(members.size());
        try (Reservation decoding = budget.reserve(0, "decoding an image")) {
            RgbImage full = decoder.decode(bytes, decoding);
            long needed = 0;
            for (Member m : members) {
                needed += DescriptorExtractor.pipelineBytes(full.width(), full.height(), bbox, m.recipe());
            }
            pipeline = budget.reserve(needed, "resizing and tensors of a " + full.width() + "x" + full.height() + " image for an ensemble of "
                + members.size() + " models");
            List<RgbImage> bases = new ArrayList<>(members.size());
            for (Member m : members) {
                bases.add(DescriptorExtractor.baseImage(full, bbox, m.recipe()));
            }
            full = null; // unreachable from here: the decoding reservation is released below
            decoding.close();
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                RgbImage base = bases.get(i);
                List<CompletableFuture<ModelOutput>> outputs = new ArrayList<>();
                perMember.add(outputs);
                for (double s : m.recipe().scales()) {
                    RgbImage scaled = s == 1.0 ? base : BilinearResize.resize(base, DescriptorExtractor.scaledSide(base.width(), s),
                        DescriptorExtractor.scaledSide(base.height(), s));
                    outputs.add(DescriptorExtractor.run(m.model(), m.layout(), scaled));
                }
            }
            return new Submitted(perMember, pipeline);
        } catch (RuntimeException | Error e) {
            if (pipeline != null) {
                Reservation held = pipeline;
                // inputs already submitted may still be queued: release when they are done
                CompletableFuture.allOf(new Submitted(perMember, held).all().toArray(CompletableFuture[]::new))
                    .whenComplete((r, x) -> held.close());
            }
            throw e;
        }
    }

    private float[] combine(List<List<CompletableFuture<ModelOutput>>> perMember, String whiteningId, Whitening whitening) {
        List<float[]> descriptors = new ArrayList<>(members.size());
        double[] weights = new double[members.size()];
        for (int i = 0; i < members.size(); i++) {
            descriptors.add(DescriptorExtractor.combine(perMember.get(i), members.get(i).recipe()).descriptor());
            weights[i] = members.get(i).weight();
        }
        return concatenate(descriptors, weights, whiteningId, whitening);
    }

    /**
     * {@code L2(W([w_1 d_1, ..., w_n d_n]))} for member descriptors {@code d_i} (used as given, not
     * re-normalised), weights {@code w_i} and an optional whitening {@code W}.
     *
     * @throws IllegalArgumentException when the whitening's input dimension is not the concatenation's
     */
    static float[] concatenate(List<float[]> descriptors, double[] weights, String whiteningId, Whitening whitening) {
        int dims = 0;
        for (float[] d : descriptors) {
            dims += d.length;
        }
        float[] out = new float[dims];
        int at = 0;
        for (int i = 0; i < descriptors.size(); i++) {
            float[] d = descriptors.get(i);
            for (int j = 0; j < d.length; j++) {
                out[at + j] = (float) (weights[i] * d[j]);
            }
            at += d.length;
        }
        if (whitening != null) {
            if (whitening.inputDimension() != dims) {
                throw new IllegalArgumentException("whitening [" + whiteningId + "] expects dimension " + whitening.inputDimension()
                    + " but the ensemble of " + descriptors.size() + " models produces " + dims);
            }
            out = whitening.apply(out);
        }
        return VectorMath.l2NormalizeInPlace(out);
    }
}
