package org.instanceretrieval.model.image;

/**
 * How pixels become a network input: scaled to [0, 1], normalised per channel with
 * {@code (x - mean) / std}, in RGB or BGR order, laid out NCHW (the layout of PyTorch
 * exports). Mean and std are given in the network's channel order. Immutable.
 */
public final class TensorLayout {

    public enum ChannelOrder { RGB, BGR }

    private final float[] mean;
    private final float[] std;
    private final ChannelOrder order;

    public TensorLayout(float[] mean, float[] std, ChannelOrder order) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each, got " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < 3; c++) {
            if (Float.isFinite(mean[c]) == false || Float.isFinite(std[c]) == false || std[c] <= 0) {
                throw new IllegalArgumentException("std must be positive and mean/std finite, got mean " + java.util.Arrays.toString(mean)
                    + " std " + java.util.Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
        this.order = order;
    }

    public ChannelOrder order() {
        return order;
    }

    /** The {@code [3, H, W]} tensor of one image, written into {@code out} at {@code offset}. */
    public void write(RgbImage image, float[] out, int offset) {
        int plane = image.width() * image.height();
        float[] rgb = image.planesView();
        for (int c = 0; c < 3; c++) {
            int source = order == ChannelOrder.RGB ? c : 2 - c;
            float m = mean[c], s = std[c];
            for (int i = 0; i < plane; i++) {
                out[offset + c * plane + i] = (rgb[source * plane + i] / 255f - m) / s;
            }
        }
    }

    /** A new {@code [3, H, W]} tensor of one image. */
    public float[] toTensor(RgbImage image) {
        float[] out = new float[3 * image.width() * image.height()];
        write(image, out, 0);
        return out;
    }
}
