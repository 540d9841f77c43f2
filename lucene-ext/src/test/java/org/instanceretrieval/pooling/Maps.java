package org.instanceretrieval.pooling;

import java.util.Random;

/** Test helpers: feature maps from nested arrays and seeded random maps. */
final class Maps {

    private Maps() {}

    /** A map from {@code values[c][y][x]}. */
    static FeatureMap of(float[][][] values) {
        int c = values.length;
        int h = values[0].length;
        int w = values[0][0].length;
        float[] flat = new float[c * h * w];
        int k = 0;
        for (float[][] channel : values) {
            for (float[] row : channel) {
                for (float v : row) {
                    flat[k++] = v;
                }
            }
        }
        return new FeatureMap(c, h, w, flat);
    }

    /** A C x H x W array of uniform [0, 1) values (post-ReLU-like), seeded. */
    static float[][][] randomArray(int c, int h, int w, long seed) {
        Random random = new Random(seed);
        float[][][] a = new float[c][h][w];
        for (int i = 0; i < c; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    a[i][y][x] = random.nextFloat();
                }
            }
        }
        return a;
    }

    /** The 2 x 3 x 3 map used by the hand-worked tests: channel 0 = 1..9, channel 1 mostly 0. */
    static float[][][] twoByThreeByThree() {
        return new float[][][] {
            {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}},
            {{0, 0, 0}, {0, -1, 0}, {0, 0, 2}}};
    }
}
