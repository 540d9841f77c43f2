package org.instanceretrieval.model.descriptor;

import ai.onnxruntime.OrtSession;

import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.model.image.BilinearResize;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ImageDecodingException;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.RgbImage;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.inference.ModelOutput;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OnnxGraphWriter;
import org.instanceretrieval.model.onnx.OnnxModel;
import org.instanceretrieval.model.onnx.OutputKind;
import org.instanceretrieval.pooling.FeatureMap;
import org.instanceretrieval.pooling.GemPooling;
import org.instanceretrieval.pooling.GridPooling;
import org.instanceretrieval.pooling.MacPooling;
import org.instanceretrieval.pooling.MultiResolutionPatches;
import org.instanceretrieval.pooling.Pooling;
import org.instanceretrieval.pooling.Region;
import org.instanceretrieval.pooling.RmacPooling;
import org.instanceretrieval.pooling.SpocPooling;
import org.instanceretrieval.whitening.Whitening;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.imageio.ImageIO;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.instanceOf;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

/**
 * The extractor against an independent path: the same real ONNX Runtime session run directly
 * through {@link OnnxModel} on tensors normalised by a loop in the test, pooled with the
 * lucene-ext classes, combined by hand.
 */
public class DescriptorExtractorTest {

    private static final float EPS = 1e-6f;
    private static OnnxModel defaultModel;

    @BeforeClass
    public static void loadModel() {
        defaultModel = new OnnxModel(DefaultModel.onnx(), null, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions());
    }

    @AfterClass
    public static void closeModel() {
        defaultModel.close();
    }

    private static DescriptorExtractor extractor(ImageModel model) {
        return new DescriptorExtractor(model, new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB),
            new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), Runnable::run);
    }

    private static DescriptorExtractor extractor() {
        return extractor(ImageModel.direct(defaultModel));
    }

    private static DescriptorRecipe.Builder oneScale(PoolingSpec pooling) {
        return DescriptorRecipe.builder().pooling(pooling).scales(List.of(1.0)).resizePolicy(ResizePolicy.longestSide(1024));
    }

    /** The independent path: loop normalisation, a direct ONNX Runtime call, the map. */
    private static FeatureMap featureMap(RgbImage image) {
        OnnxModel.Output out = defaultModel.run(TestImages.defaultModelTensor(image), 1, image.height(), image.width());
        long[] s = out.shape();
        return new FeatureMap((int) s[0], (int) s[1], (int) s[2], out.values()[0]);
    }

    private static float[] l2(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    private static RgbImage read(byte[] bytes) throws IOException {
        return TestImages.pixels(ImageIO.read(new ByteArrayInputStream(bytes)));
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

    @Test
    public void everyPoolingEqualsLuceneExtPoolingOfTheModelOutput() throws IOException {
        byte[] png = TestImages.png(96, 64, 1);
        FeatureMap map = featureMap(read(png));
        assertEquals(DefaultModel.CHANNELS, map.channels());
        assertEquals(TestImages.defaultModelSide(64), map.height());
        assertEquals(TestImages.defaultModelSide(96), map.width());
        Object[][] cases = {
            { PoolingSpec.mac(), new MacPooling() },
            { PoolingSpec.spoc(false), new SpocPooling() },
            { PoolingSpec.spoc(true), SpocPooling.withCentrePrior() },
            { PoolingSpec.gem(), new GemPooling(3) },
            { PoolingSpec.gem(4.5), new GemPooling(4.5) },
            { PoolingSpec.rmac(), new RmacPooling(3, true) },
            { PoolingSpec.rmac(2, false), new RmacPooling(2, false) },
        };
        for (Object[] c : cases) {
            PoolingSpec spec = (PoolingSpec) c[0];
            float[] expected = l2(((Pooling) c[1]).pool(map));
            float[] actual = extractor().extract(png, null, oneScale(spec).build()).join().descriptor();
            assertArrayEquals(spec.toString(), expected, actual, EPS);
        }
        float[] one = GridPooling.oneByOne().pool(map);
        float[] two = GridPooling.twoByTwo().pool(map);
        float[] grid = Arrays.copyOf(one, one.length + two.length);
        System.arraycopy(two, 0, grid, one.length, two.length);
        float[] actual = extractor().extract(png, null, oneScale(PoolingSpec.grid()).build()).join().descriptor();
        assertEquals(5 * DefaultModel.CHANNELS, actual.length);
        assertArrayEquals(l2(grid), actual, EPS);
    }

    @Test
    public void jpegGoesThroughTheSamePath() throws IOException {
        byte[] jpeg = TestImages.jpeg(80, 72, 2);
        float[] expected = l2(new GemPooling(3).pool(featureMap(read(jpeg))));
        assertArrayEquals(expected, extractor().extract(jpeg, null, oneScale(PoolingSpec.gem()).build()).join().descriptor(), EPS);
    }

    @Test
    public void resizePolicyShrinksBeforeTheNetwork() throws IOException {
        byte[] png = TestImages.png(120, 60, 3);
        RgbImage shrunk = BilinearResize.resize(read(png), 40, 20); // longest side 40: factor 1/3
        float[] expected = l2(new MacPooling().pool(featureMap(shrunk)));
        DescriptorRecipe recipe = oneScale(PoolingSpec.mac()).resizePolicy(ResizePolicy.longestSide(40)).build();
        assertArrayEquals(expected, extractor().extract(png, null, recipe).join().descriptor(), EPS);
    }

    @Test
    public void multiScaleGemUsesThePowerMeanWithQEqualToP() throws IOException {
        byte[] png = TestImages.png(120, 90, 4);
        RgbImage image = read(png);
        // floor(side * s): 120x90, 84x63, 60x45
        int[][] sizes = { { 120, 90 }, { 84, 63 }, { 60, 45 } };
        List<float[]> perScale = new ArrayList<>();
        for (int[] size : sizes) {
            RgbImage scaled = size[0] == 120 ? image : BilinearResize.resize(image, size[0], size[1]);
            perScale.add(l2(new GemPooling(3).pool(featureMap(scaled))));
        }
        int dim = perScale.get(0).length;
        float[] expected = new float[dim];
        for (int i = 0; i < dim; i++) {
            double sum = 0;
            for (float[] v : perScale) {
                sum += (double) v[i] * v[i] * v[i];
            }
            expected[i] = (float) Math.cbrt(sum / 3);
        }
        float[] actual = extractor().extract(png, null, DescriptorRecipe.builder().pooling(PoolingSpec.gem()).build()).join().descriptor();
        assertArrayEquals(l2(expected), actual, EPS);
        // and it is not the plain mean (q = 1), so the test tells the two rules apart
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = (perScale.get(0)[i] + perScale.get(1)[i] + perScale.get(2)[i]) / 3;
        }
        assertNotEquals(l2(mean)[0], actual[0], 1e-4f);
    }

    @Test
    public void multiScaleRmacUsesThePlainMeanAndGpr1200SumsL2Vectors() throws IOException {
        byte[] png = TestImages.png(100, 100, 5);
        RgbImage image = read(png);
        List<Double> scales = List.of(1.0, 0.5);
        RgbImage half = BilinearResize.resize(image, 50, 50);
        float[] r1 = l2(new RmacPooling().pool(featureMap(image)));
        float[] r2 = l2(new RmacPooling().pool(featureMap(half)));
        float[] mean = new float[r1.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (r1[i] + r2[i]) / 2;
        }
        DescriptorRecipe rmac = DescriptorRecipe.builder().pooling(PoolingSpec.rmac()).scales(scales).build();
        assertArrayEquals(l2(mean), extractor().extract(png, null, rmac).join().descriptor(), EPS);

        float[] m1 = l2(new MacPooling().pool(featureMap(image)));
        float[] m2 = l2(new MacPooling().pool(featureMap(half)));
        float[] sum = new float[m1.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = m1[i] + m2[i];
        }
        DescriptorRecipe gpr = DescriptorRecipe.builder().pooling(PoolingSpec.mac()).scales(scales)
            .multiScaleMode(DescriptorRecipe.MultiScaleMode.L2_EACH_SUM).build();
        assertArrayEquals(l2(sum), extractor().extract(png, null, gpr).join().descriptor(), EPS);
    }

    /** Records the input sizes and output shapes of a real model. */
    private static final class RecordingModel implements ImageModel {
        final List<int[]> inputs = new CopyOnWriteArrayList<>();
        final List<long[]> outputs = new CopyOnWriteArrayList<>();
        final ImageModel inner;

        RecordingModel(ImageModel inner) {
            this.inner = inner;
        }

        @Override
        public CompletableFuture<ModelOutput> infer(float[] chw, int height, int width) {
            inputs.add(new int[] { height, width });
            return inner.infer(chw, height, width).thenApply(out -> {
                outputs.add(out.shape());
                return out;
            });
        }
    }

    @Test
    public void boundingBoxCropKeepsTheFullImageScale() throws IOException {
        byte[] png = TestImages.png(200, 100, 6);
        RecordingModel recording = new RecordingModel(ImageModel.direct(defaultModel));
        // Longest side 100: the full 200x100 image is scaled by 1/2. The box is 100x60 (49.5 and
        // 150.5 round half to even, as PIL, to 50 and 150); at the full image's scale it is
        // 50x30. Sized as an image of its own it would stay 100x60 (never enlarged, longest side 100).
        BoundingBox box = new BoundingBox(49.5, 20, 150.5, 80);
        DescriptorRecipe recipe = DescriptorRecipe.builder().pooling(PoolingSpec.gem()).scales(List.of(1.0, 0.5))
            .resizePolicy(ResizePolicy.longestSide(100)).build();
        float[] actual = extractor(recording).extract(png, box, recipe).join().descriptor();

        assertArrayEquals(new int[] { 30, 50 }, recording.inputs.get(0));
        assertArrayEquals(new int[] { 15, 25 }, recording.inputs.get(1));
        assertArrayEquals(new long[] { DefaultModel.CHANNELS, TestImages.defaultModelSide(30), TestImages.defaultModelSide(50) },
            recording.outputs.get(0));
        assertArrayEquals(new long[] { DefaultModel.CHANNELS, 4, 6 }, recording.outputs.get(0)); // worked: 30->15->8->4, 50->25->13->6

        RgbImage crop = BilinearResize.resize(read(png).crop(50, 20, 150, 80), 50, 30);
        float[] v1 = l2(new GemPooling().pool(featureMap(crop)));
        float[] v2 = l2(new GemPooling().pool(featureMap(BilinearResize.resize(crop, 25, 15))));
        float[] expected = new float[v1.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) Math.cbrt(((double) v1[i] * v1[i] * v1[i] + (double) v2[i] * v2[i] * v2[i]) / 2);
        }
        assertArrayEquals(l2(expected), actual, EPS);
    }

    @Test
    public void boundingBoxOutsideTheImageIsRejected() {
        byte[] png = TestImages.png(64, 48, 7);
        Throwable e = failure(extractor().extract(png, new BoundingBox(70, 0, 90, 40), oneScale(PoolingSpec.mac()).build()));
        assertThat(e, instanceOf(IllegalArgumentException.class));
        assertThat(e.getMessage(), containsString("[bbox] [70.0, 0.0, 90.0, 40.0] is empty or outside the 64x48 image"));
    }

    private static Whitening randomWhitening(int in, int out, long seed) {
        Random random = new Random(seed);
        float[][] p = new float[out][in];
        float[] m = new float[in];
        for (int j = 0; j < in; j++) {
            m[j] = random.nextFloat() * 0.1f;
            for (int i = 0; i < out; i++) {
                p[i][j] = (float) random.nextGaussian();
            }
        }
        return Whitening.of(p, m);
    }

    @Test
    public void whiteningIsAppliedLastAndItsDimensionIsChecked() throws IOException {
        byte[] png = TestImages.png(64, 64, 8);
        Whitening w = randomWhitening(DefaultModel.CHANNELS, 16, 42);
        float[] pooled = l2(new GemPooling().pool(featureMap(read(png))));
        // L2(P (x - m)) written out
        float[] mean = w.mean();
        float[][] p = w.weight();
        float[] expected = new float[16];
        for (int i = 0; i < 16; i++) {
            double s = 0;
            for (int j = 0; j < pooled.length; j++) {
                s += (double) p[i][j] * (pooled[j] - mean[j]);
            }
            expected[i] = (float) s;
        }
        DescriptorRecipe recipe = oneScale(PoolingSpec.gem()).whitening("lw-16", w).build();
        float[] actual = extractor().extract(png, null, recipe).join().descriptor();
        assertEquals(16, actual.length);
        assertArrayEquals(l2(expected), actual, EPS);

        DescriptorRecipe mismatch = oneScale(PoolingSpec.gem()).whitening("pca-10", randomWhitening(10, 4, 1)).build();
        Throwable e = failure(extractor().extract(png, null, mismatch));
        assertThat(e, instanceOf(IllegalArgumentException.class));
        assertEquals("whitening [pca-10] expects dimension 10 but the model produces 128", e.getMessage());
        // grid pooling gives 5 C = 640 values: the message names the descriptor's dimension, not C
        Throwable grid = failure(extractor().extract(png, null, oneScale(PoolingSpec.grid()).whitening("lw-16", w).build()));
        assertEquals("whitening [lw-16] expects dimension 128 but the model produces 640", grid.getMessage());
    }

    @Test
    public void vectorModelsSkipPoolingAndRejectIt() throws IOException {
        // [N, 3, H, W] -> per-channel mean -> [N, 3]: a vector model small enough to check by hand
        byte[] graph = new OnnxGraphWriter("vector").input("image", null, 3L, null, null).output("embedding", null, 3L)
            .node("GlobalAveragePool", List.of("image"), List.of("pooled"))
            .node("Flatten", List.of("pooled"), List.of("embedding"))
            .build("test", "channel means");
        try (OnnxModel vectorModel = new OnnxModel(graph, null, OutputKind.VECTOR, new OrtSession.SessionOptions())) {
            byte[] png = TestImages.png(40, 30, 9);
            RgbImage image = read(png);
            float[] tensor = TestImages.defaultModelTensor(image);
            float[] means = new float[3];
            int plane = 40 * 30;
            for (int c = 0; c < 3; c++) {
                double s = 0;
                for (int i = 0; i < plane; i++) {
                    s += tensor[c * plane + i];
                }
                means[c] = (float) (s / plane);
            }
            DescriptorRecipe none = oneScale(PoolingSpec.none()).build();
            float[] actual = extractor(ImageModel.direct(vectorModel)).extract(png, null, none).join().descriptor();
            assertArrayEquals(l2(means), actual, 1e-5f);

            Throwable e = failure(extractor(ImageModel.direct(vectorModel)).extract(png, null, oneScale(PoolingSpec.gem()).build()));
            assertEquals("[pooling] [gem] is not applicable: the model outputs a vector of dimension 3; use [none]", e.getMessage());
        }
        Throwable e = failure(extractor().extract(TestImages.png(32, 32, 1), null, oneScale(PoolingSpec.none()).build()));
        assertThat(e.getMessage(), containsString("feature map: [pooling] must be one of [mac, spoc, gem, rmac, grid], not [none]"));
    }

    @Test
    public void patchDescriptorsDescribeEachPatchOfTheResizedImage() throws IOException {
        byte[] png = TestImages.png(192, 128, 10);
        DescriptorRecipe recipe = DescriptorRecipe.builder().pooling(PoolingSpec.gem()).resizePolicy(ResizePolicy.longestSide(96))
            .patchLevels(2).build();
        ImageDescriptors result = extractor().extract(png, null, recipe).join();
        RgbImage base = BilinearResize.resize(read(png), 96, 64);
        List<Region> patches = new MultiResolutionPatches(2, MultiResolutionPatches.PatchSide.MIN_SIDE_SQUARE).patches(96, 64);
        assertEquals(5, patches.size());
        assertEquals(5, result.patches().size());
        // level 1: the central 64x64 square of the 96x64 base image
        assertEquals(new Region(16, 0, 64, 64), patches.get(0));
        for (int i = 0; i < 5; i++) {
            Region r = patches.get(i);
            float[] expected = l2(new GemPooling().pool(featureMap(base.crop(r.x(), r.y(), r.right(), r.bottom()))));
            assertArrayEquals("patch " + i, expected, result.patches().get(i), EPS);
        }
        assertEquals(0, extractor().extract(png, null, recipe.toBuilder().patchLevels(0).build()).join().patches().size());
    }

    @Test
    public void badImagesFailTheFutureWithImageDecodingException() {
        byte[] png = TestImages.png(64, 64, 11);
        Throwable truncated = failure(extractor().extract(Arrays.copyOf(png, png.length / 2), null, DescriptorRecipe.defaults()));
        assertThat(truncated, instanceOf(ImageDecodingException.class));
        Throwable empty = failure(extractor().extract(new byte[0], null, DescriptorRecipe.defaults()));
        assertThat(empty, instanceOf(ImageDecodingException.class));
        DescriptorExtractor small = new DescriptorExtractor(ImageModel.direct(defaultModel),
            new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB), new ImageDecoder(1000), Runnable::run);
        Throwable bomb = failure(small.extract(png, null, DescriptorRecipe.defaults()));
        assertThat(bomb.getMessage(), containsString("more than the limit of 1000"));
    }
}
