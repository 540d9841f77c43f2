package org.instanceretrieval.model.onnx;

/**
 * A pretrained convolutional trunk shipped with the plugin (the built-in model {@code nsfwjs_mobilenet_v2}): the MobileNetV2 (224 x 224, ImageNet
 * pretrained, fine-tuned for a 5-class classifier) of the npm package {@code nsfwjs} 4.4.0
 * (MIT licence, copyright Infinite Red, Inc.; notice in {@code nsfwjs-LICENSE.txt} beside the
 * model), cut after layer {@value #LAYER} and converted to ONNX by
 * {@link org.instanceretrieval.model.keras.KerasOnnxConverter} (weights dequantised as TF.js does).
 * {@code scripts/nsfwjs-onnx.sh} regenerates the committed file byte for byte from
 * {@code npm pack nsfwjs@4.4.0}; nothing is downloaded at build or run time.
 * <p>
 * Input {@value #INPUT}: float {@code [N, 3, H, W]}, RGB scaled to [0, 1] (mean 0, std 1 on
 * pixels / 255, as nsfwjs feeds it), any H and W. Output {@value #OUTPUT}: a non-negative
 * {@code [N, 576, floor(H/16), floor(W/16)]} map (ReLU6 activations).
 * The layer, input size (longest side {@value #LONGEST_SIDE}) and pooling (GeM p = 3) were chosen
 * on the validation split of the real-photo benchmark in {@code docs/benchmarks.md}.
 */
public final class NsfwjsMobileNetV2 {

    public static final String RESOURCE = "nsfwjs-mobilenet-v2.onnx";
    public static final String LAYER = "block_13_expand_relu";
    public static final String INPUT = "image";
    public static final String OUTPUT = "features";
    public static final int CHANNELS = 576;
    public static final int LONGEST_SIDE = 224;
    public static final float[] MEAN = { 0f, 0f, 0f };
    public static final float[] STD = { 1f, 1f, 1f };

    private NsfwjsMobileNetV2() {}

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
