package org.instanceretrieval.model.image;

import org.junit.Test;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

public class TensorLayoutTest {

    // One pixel, R = 255, G = 0, B = 51.
    private static final RgbImage PIXEL = new RgbImage(1, 1, new float[] { 255, 0, 51 });

    @Test
    public void rgbScaledAndNormalisedPerChannel() {
        TensorLayout layout = new TensorLayout(new float[] { 0.5f, 0.25f, 0 }, new float[] { 0.5f, 0.25f, 0.1f }, TensorLayout.ChannelOrder.RGB);
        // R: (1 - 0.5) / 0.5 = 1; G: (0 - 0.25) / 0.25 = -1; B: (0.2 - 0) / 0.1 = 2
        assertArrayEquals(new float[] { 1, -1, 2 }, layout.toTensor(PIXEL), 1e-6f);
    }

    @Test
    public void bgrReversesChannelsBeforeNormalising() {
        TensorLayout layout = new TensorLayout(new float[] { 0, 0, 0 }, new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.BGR);
        assertArrayEquals(new float[] { 0.2f, 0, 1 }, layout.toTensor(PIXEL), 1e-6f);
    }

    @Test
    public void planesAreLaidOutChannelFirst() {
        RgbImage image = new RgbImage(2, 1, new float[] { 0, 255, 255, 0, 51, 51 });
        TensorLayout identity = new TensorLayout(new float[] { 0, 0, 0 }, new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB);
        assertArrayEquals(new float[] { 0, 1, 1, 0, 0.2f, 0.2f }, identity.toTensor(image), 1e-6f);
    }

    @Test
    public void rejectsBadStatistics() {
        assertThrows(IllegalArgumentException.class, () -> new TensorLayout(new float[] { 0, 0 }, new float[] { 1, 1, 1 }, TensorLayout.ChannelOrder.RGB));
        assertThrows(IllegalArgumentException.class, () -> new TensorLayout(new float[] { 0, 0, 0 }, new float[] { 1, 0, 1 }, TensorLayout.ChannelOrder.RGB));
    }
}
