package org.instanceretrieval.model.descriptor;

import ai.onnxruntime.OrtSession;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.memory.MemoryBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.model.LimitedBudget;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;
import org.instanceretrieval.model.onnx.OnnxModel;
import org.instanceretrieval.model.onnx.OutputKind;
import org.instanceretrieval.whitening.Whitening;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * The ensemble against an independent computation: each member run alone through the single-model
 * {@link DescriptorExtractor} on the same bytes, then weighted, concatenated, whitened and
 * normalised by loops in the test.
 */
public class EnsembleExtractorTest {

    private static final float EPS = 1e-6f;
    private static final TensorLayout LAYOUT = new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB);
    private static OnnxModel defaultModel;
    private static OnnxModel vectorModel;

    @BeforeClass
    public static void loadModels() {
        defaultModel = new OnnxModel(DefaultModel.onnx(), null, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions());
        // [N, 3, H, W] -> per-channel mean -> [N, 3]: a second, different network (a vector model)
        byte[] graph = new OnnxGraphWriter("vector").input("image", null, 3L, null, null).output("embedding", null, 3L)
            .node("GlobalAveragePool", List.of("image"), List.of("pooled"))
            .node("Flatten", List.of("pooled"), List.of("embedding"))
            .build("test", "channel means");
        vectorModel = new OnnxModel(graph, null, OutputKind.VECTOR, new OrtSession.SessionOptions());
    }

    @AfterClass
    public static void closeModels() {
        defaultModel.close();
        vectorModel.close();
    }

    private static final DescriptorRecipe GEM_ONE_SCALE = DescriptorRecipe.builder().pooling(PoolingSpec.gem()).scales(List.of(1.0))
        .resizePolicy(ResizePolicy.longestSide(1024)).build();
    private static final DescriptorRecipe MAC_TWO_SCALES = DescriptorRecipe.builder().pooling(PoolingSpec.mac()).scales(List.of(1.0, 0.5))
        .resizePolicy(ResizePolicy.longestSide(48)).build();
    private static final DescriptorRecipe VECTOR = DescriptorRecipe.builder().pooling(PoolingSpec.none()).scales(List.of(1.0, 0.7071))
        .resizePolicy(ResizePolicy.longestSide(1024)).build();

    private static ImageDecoder decoder() {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    /** The single-model path: one member alone. */
    private static float[] alone(OnnxModel model, DescriptorRecipe recipe, byte[] image, BoundingBox bbox) {
        return new DescriptorExtractor(ImageModel.direct(model), LAYOUT, decoder(), Runnable::run).extract(image, bbox, recipe).join()
            .descriptor();
    }

    private static float[] concatByHand(List<float[]> parts, double[] weights) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        double[] v = new double[n];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            for (float x : parts.get(i)) {
                v[at++] = weights[i] * x;
            }
        }
        return l2(v);
    }

    private static float[] l2(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static EnsembleExtractor ensemble(MemoryBudget budget, EnsembleExtractor.Member... members) {
        return new EnsembleExtractor(List.of(members), decoder(), budget, Runnable::run);
    }

    private static EnsembleExtractor.Member member(String name, OnnxModel model, DescriptorRecipe recipe, double weight) {
        return new EnsembleExtractor.Member(name, ImageModel.direct(model), LAYOUT, recipe, weight);
    }

    @Test
    public void equalWeightsGiveTheNormalisedConcatenationOfTheMembersAlone() {
        for (byte[] image : List.of(TestImages.png(64, 48, 3), TestImages.jpeg(50, 70, 5))) {
            float[] a = alone(defaultModel, GEM_ONE_SCALE, image, null);
            float[] b = alone(defaultModel, MAC_TWO_SCALES, image, null);
            float[] c = alone(vectorModel, VECTOR, image, null);
            float[] expected = concatByHand(List.of(a, b, c), new double[] { 1, 1, 1 });
            float[] actual = ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 1),
                member("default", defaultModel, MAC_TWO_SCALES, 1), member("means", vectorModel, VECTOR, 1))
                .extract(image, null, null, null).join();
            assertEquals(128 + 128 + 3, actual.length);
            assertArrayEquals(expected, actual, EPS);
            assertEquals(1.0, norm(actual), 1e-6);
            // equal weights: each member's block has norm 1/sqrt(3)
            assertEquals(1 / Math.sqrt(3), norm(java.util.Arrays.copyOfRange(actual, 0, 128)), 1e-6);
        }
    }

    @Test
    public void weightsScaleEachMembersBlock() {
        byte[] image = TestImages.png(64, 48, 7);
        float[] a = alone(defaultModel, GEM_ONE_SCALE, image, null);
        float[] b = alone(defaultModel, MAC_TWO_SCALES, image, null);
        float[] expected = concatByHand(List.of(a, b), new double[] { 2.0, 0.5 });
        float[] actual = ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 2.0),
            member("default", defaultModel, MAC_TWO_SCALES, 0.5)).extract(image, null, null, null).join();
        assertArrayEquals(expected, actual, EPS);
        // block norms are w_i / sqrt(sum w^2)
        double total = Math.sqrt(2.0 * 2.0 + 0.5 * 0.5);
        assertEquals(2.0 / total, norm(java.util.Arrays.copyOfRange(actual, 0, 128)), 1e-6);
        assertEquals(0.5 / total, norm(java.util.Arrays.copyOfRange(actual, 128, 256)), 1e-6);
    }

    @Test
    public void aBoxIsCroppedPerMemberRecipe() {
        byte[] image = TestImages.png(80, 60, 2);
        BoundingBox box = new BoundingBox(10, 5, 60, 50);
        float[] a = alone(defaultModel, GEM_ONE_SCALE, image, box);
        float[] b = alone(defaultModel, MAC_TWO_SCALES, image, box);
        float[] actual = ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 1),
            member("default", defaultModel, MAC_TWO_SCALES, 1)).extract(image, box, null, null).join();
        assertArrayEquals(concatByHand(List.of(a, b), new double[] { 1, 1 }), actual, EPS);
    }

    @Test
    public void theEnsembleWhiteningAppliesToTheWeightedConcatenation() {
        byte[] image = TestImages.png(64, 48, 4);
        float[] a = alone(defaultModel, GEM_ONE_SCALE, image, null);
        float[] c = alone(vectorModel, VECTOR, image, null);
        int in = 131, out = 20;
        Random random = new Random(42);
        float[][] projection = new float[out][in];
        float[] mean = new float[in];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                projection[i][j] = (float) random.nextGaussian();
            }
        }
        for (int j = 0; j < in; j++) {
            mean[j] = (float) (random.nextGaussian() * 0.01);
        }
        Whitening whitening = Whitening.of(projection, mean);
        // by hand: x = [1.5 a, 1.0 c] (not normalised: the whitening sees the weighted concatenation), y = P (x - m), L2
        double[] x = new double[in];
        for (int j = 0; j < 128; j++) {
            x[j] = 1.5 * a[j];
        }
        for (int j = 0; j < 3; j++) {
            x[128 + j] = c[j];
        }
        double[] y = new double[out];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                y[i] += projection[i][j] * (x[j] - mean[j]);
            }
        }
        float[] actual = ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 1.5),
            member("means", vectorModel, VECTOR, 1.0)).extract(image, null, "ens-lw", whitening).join();
        assertEquals(out, actual.length);
        assertArrayEquals(l2(y), actual, 1e-5f);

        Throwable e = failure(ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 1))
            .extract(image, null, "ens-lw", whitening));
        assertEquals("whitening [ens-lw] expects dimension 131 but the ensemble of 1 models produces 128", e.getMessage());
    }

    @Test
    public void theImageIsDecodedOnceAndEveryMembersArraysAreCharged() {
        byte[] image = TestImages.png(64, 48, 1);
        List<String> labels = new CopyOnWriteArrayList<>();
        List<Long> bytes = new CopyOnWriteArrayList<>();
        LimitedBudget limited = new LimitedBudget(Long.MAX_VALUE);
        MemoryBudget recording = new MemoryBudget() {
            @Override
            public Reservation reserve(long n, String label) {
                labels.add(label);
                bytes.add(n);
                return limited.reserve(n, label);
            }

            @Override
            public long limit() {
                return limited.limit();
            }

            @Override
            public String limitName() {
                return limited.limitName();
            }
        };
        ensemble(recording, member("default", defaultModel, GEM_ONE_SCALE, 1), member("default", defaultModel, MAC_TWO_SCALES, 1))
            .extract(image, null, null, null).join();
        assertEquals(List.of("decoding an image", "resizing and tensors of a 64x48 image for an ensemble of 2 models"), labels);
        // the pipeline reservation is the sum of both members' own: computed by hand, 12 bytes per pixel per float image.
        // GEM_ONE_SCALE (longest side 1024, no enlarging): base 64x48 only (scale 1 is the base itself, its tensor counted once more)
        long gem = 12L * 64 * 48 + 12L * 64 * 48;
        // MAC_TWO_SCALES (longest side 48): base 48x36, scale 1 tensor, scale 0.5 24x18 image and tensor
        long mac = 12L * 48 * 36 + 12L * 48 * 36 + 2 * 12L * 24 * 18;
        assertEquals(Long.valueOf(gem + mac), bytes.get(1));
        assertEquals(0, limited.used());
    }

    @Test
    public void aBudgetRefusalFailsTheImageAndReleasesEverything() {
        byte[] image = TestImages.png(64, 48, 1);
        LimitedBudget small = new LimitedBudget(100_000);
        Throwable e = failure(ensemble(small, member("default", defaultModel, GEM_ONE_SCALE, 1),
            member("default", defaultModel, GEM_ONE_SCALE, 1), member("default", defaultModel, MAC_TWO_SCALES, 1))
            .extract(image, null, null, null));
        assertTrue(e instanceof LimitedBudget.Refused);
        assertThat(e.getMessage(), containsString("for an ensemble of 3 models"));
        assertEquals(0, small.used());
    }

    @Test
    public void badMembersAreRefused() {
        IllegalArgumentException e = expectIae(() -> member("m", defaultModel, GEM_ONE_SCALE, 0));
        assertEquals("[weight] of member [m] must be a finite number > 0 but was [0.0]", e.getMessage());
        e = expectIae(() -> member("m", defaultModel, GEM_ONE_SCALE, Double.NaN));
        assertEquals("[weight] of member [m] must be a finite number > 0 but was [NaN]", e.getMessage());
        e = expectIae(() -> member("m", defaultModel, GEM_ONE_SCALE.toBuilder().patchLevels(1).build(), 1));
        assertEquals("member [m] asks for patches: an ensemble describes whole images only", e.getMessage());
        e = expectIae(() -> new EnsembleExtractor(List.of(), decoder(), MemoryBudget.UNLIMITED, Runnable::run));
        assertEquals("an ensemble needs 1 to 8 members but got 0", e.getMessage());
        List<EnsembleExtractor.Member> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add(member("m" + i, defaultModel, GEM_ONE_SCALE, 1));
        }
        e = expectIae(() -> new EnsembleExtractor(nine, decoder(), MemoryBudget.UNLIMITED, Runnable::run));
        assertEquals("an ensemble needs 1 to 8 members but got 9", e.getMessage());
    }

    @Test
    public void aMemberFailureFailsTheImage() {
        byte[] image = TestImages.png(64, 48, 1);
        // pooling gem on the vector model: the member's own error, as for a single model
        Throwable e = failure(ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 1),
            member("means", vectorModel, GEM_ONE_SCALE, 1)).extract(image, null, null, null));
        assertEquals("[pooling] [gem] is not applicable: the model outputs a vector of dimension 3; use [none]", e.getMessage());
        Throwable corrupt = failure(ensemble(MemoryBudget.UNLIMITED, member("default", defaultModel, GEM_ONE_SCALE, 1))
            .extract(new byte[] { 1, 2, 3 }, null, null, null));
        assertNotNull(corrupt);
    }

    private static IllegalArgumentException expectIae(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e;
        }
        fail("expected an IllegalArgumentException");
        return null;
    }

    private static Throwable failure(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        fail("expected a failure");
        return null;
    }
}
