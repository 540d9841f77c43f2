package org.instanceretrieval.model.descriptor;

import ai.onnxruntime.OrtSession;

import org.instanceretrieval.model.LimitedBudget;
import org.instanceretrieval.model.image.ImageDecoder;
import org.instanceretrieval.model.image.ResizePolicy;
import org.instanceretrieval.model.image.TensorLayout;
import org.instanceretrieval.model.inference.ImageModel;
import org.instanceretrieval.model.onnx.DefaultModel;
import org.instanceretrieval.model.onnx.OnnxModel;
import org.instanceretrieval.model.onnx.OutputKind;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.hamcrest.CoreMatchers.instanceOf;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/**
 * What the extractor reserves, by hand for a 64 x 48 RGB PNG described at scales [1, 0.5] without
 * resizing: decoding 64*48*19 = 58,368 bytes (raster 3, ints 4, floats 12 per pixel); then the
 * pipeline: the base image 64*48*12 = 36,864, its tensor 36,864, the half-size image and its tensor
 * 2 * 32*24*12 = 18,432; 92,160 in all. Decoding is released once the base image is built, so the
 * network sees 92,160 held, and the peak is 58,368 + 92,160 = 150,528.
 */
public class DescriptorExtractorMemoryTest {

    private static final long DECODE = 64 * 48 * 19;
    private static final long PIPELINE = 36_864 + 36_864 + 18_432;
    private static OnnxModel defaultModel;

    @BeforeClass
    public static void loadModel() {
        defaultModel = new OnnxModel(DefaultModel.onnx(), null, OutputKind.FEATURE_MAP, new OrtSession.SessionOptions());
    }

    @AfterClass
    public static void closeModel() {
        defaultModel.close();
    }

    private static final DescriptorRecipe RECIPE = DescriptorRecipe.builder().pooling(PoolingSpec.gem()).scales(List.of(1.0, 0.5))
        .resizePolicy(ResizePolicy.longestSide(1024)).build();

    private static DescriptorExtractor extractor(LimitedBudget budget, List<Long> usedAtInference) {
        ImageModel direct = ImageModel.direct(defaultModel);
        ImageModel watching = (chw, h, w) -> {
            usedAtInference.add(budget.used());
            return direct.infer(chw, h, w);
        };
        return new DescriptorExtractor(watching, new TensorLayout(DefaultModel.MEAN, DefaultModel.STD, TensorLayout.ChannelOrder.RGB),
            new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), budget, Runnable::run);
    }

    @Test
    public void theImageFitsExactlyAndEverythingIsReleasedAfterwards() {
        LimitedBudget budget = new LimitedBudget(DECODE + PIPELINE);
        List<Long> used = new CopyOnWriteArrayList<>();
        ImageDescriptors d = extractor(budget, used).extract(TestImages.png(64, 48, 1), null, RECIPE).join();
        assertEquals(DefaultModel.CHANNELS, d.descriptor().length);
        assertEquals(List.of(PIPELINE, PIPELINE), used);
        assertEquals(0, budget.used());
    }

    @Test
    public void oneByteLessIsRefusedAndNothingStaysReserved() {
        LimitedBudget budget = new LimitedBudget(DECODE + PIPELINE - 1);
        List<Long> used = new CopyOnWriteArrayList<>();
        CompletionException e = assertThrows(CompletionException.class,
            () -> extractor(budget, used).extract(TestImages.png(64, 48, 1), null, RECIPE).join());
        assertThat(e.getCause(), instanceOf(LimitedBudget.Refused.class));
        assertEquals(List.of(), used);
        assertEquals(0, budget.used());
    }

    @Test
    public void aDecodeThatDoesNotFitIsRefusedBeforeThePipeline() {
        LimitedBudget budget = new LimitedBudget(DECODE - 1);
        CompletionException e = assertThrows(CompletionException.class,
            () -> extractor(budget, new CopyOnWriteArrayList<>()).extract(TestImages.png(64, 48, 1), null, RECIPE).join());
        assertThat(e.getCause().getMessage(), org.hamcrest.CoreMatchers.containsString("decoding a 64x48 PNG image"));
        assertEquals(0, budget.used());
    }

    @Test
    public void pipelineBytesMatchTheHandCount() {
        assertEquals(PIPELINE, DescriptorExtractor.pipelineBytes(64, 48, null, RECIPE));
    }
}
