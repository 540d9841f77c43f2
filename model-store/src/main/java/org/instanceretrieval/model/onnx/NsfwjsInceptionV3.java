package org.instanceretrieval.model.onnx;

/**
 * The pretrained trunk behind the built-in model {@code default}: the InceptionV3 (ImageNet pretrained, fine-tuned
 * for a 5-class classifier with every layer up to {@value #LAYER} left frozen) of the npm package {@code nsfwjs} 4.4.0
 * (MIT licence, copyright Infinite Red, Inc.; notice in {@code nsfwjs-LICENSE.txt} beside the model), cut after
 * layer {@value #LAYER} and converted to ONNX by {@link org.instanceretrieval.model.keras.KerasOnnxConverter}
 * (weights dequantised as TF.js does). {@code scripts/nsfwjs-inception-onnx.sh} regenerates the committed file byte
 * for byte (pinned SHA-256) from {@code npm pack nsfwjs@4.4.0}; nothing is downloaded at build or run time.
 * <p>
 * Input {@value #INPUT}: float {@code [N, 3, H, W]}, RGB scaled to [0, 1] (mean 0, std 1 on pixels / 255, as nsfwjs
 * feeds it), any H and W of at least 43 (smaller inputs leave no output pixel, {@link MinimumInputSide}; the recipe never
 * enlarges an image). Output {@value #OUTPUT}: a non-negative
 * {@code [N, 768, H', W']} map (ReLU activations of the Inception block; H' = 8 for H = 160, 5 for 120: stride about 17).
 * The layer, the input size (longest side {@value #LONGEST_SIDE}) and the pooling (GeM p = 3) were chosen on the
 * validation split of the real-photo benchmark and confirmed on a fresh, pre-registered test split
 * ({@code docs/benchmarks.md}, "Fresh test split test2").
 */
public final class NsfwjsInceptionV3 {

    public static final String RESOURCE = "nsfwjs-inception-v3-mixed5.onnx";
    public static final String LAYER = "mixed5";
    public static final String INPUT = "image";
    public static final String OUTPUT = "features";
    public static final int CHANNELS = 768;
    public static final int LONGEST_SIDE = 160;
    public static final float[] MEAN = { 0f, 0f, 0f };
    public static final float[] STD = { 1f, 1f, 1f };

    private NsfwjsInceptionV3() {}

    private static final OnnxResource FILE = new OnnxResource(RESOURCE);

    /** The serialised ONNX model (a fresh copy). */
    public static byte[] onnx() {
        return FILE.copy();
    }

    /** The length of {@link #onnx()} in bytes, without copying. */
    public static int length() {
        return FILE.length();
    }
}
