package org.instanceretrieval.model.keras;

/**
 * A second, deliberately plain implementation of the Keras layers (NHWC, double precision,
 * TensorFlow's padding rules written out), for checking the converted ONNX graphs.
 * A map is {@code double[h][w][c]}.
 */
final class NhwcReference {

    private NhwcReference() {}

    static double[][][] zeroPad(double[][][] x, int top, int bottom, int left, int right) {
        int h = x.length, w = x[0].length, c = x[0][0].length;
        double[][][] y = new double[h + top + bottom][w + left + right][c];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                y[i + top][j + left] = x[i][j].clone();
            }
        }
        return y;
    }

    /** TensorFlow 'same': output ceil(n / s), total padding max((out - 1) s + k - n, 0), the smaller half first. */
    static double[][][] samePad(double[][][] x, int k, int stride) {
        int th = Math.max((ceilDiv(x.length, stride) - 1) * stride + k - x.length, 0);
        int tw = Math.max((ceilDiv(x[0].length, stride) - 1) * stride + k - x[0].length, 0);
        return zeroPad(x, th / 2, th - th / 2, tw / 2, tw - tw / 2);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** 'valid' convolution; kernel in Keras layout [k][k][in][out] flattened. */
    static double[][][] conv(double[][][] x, double[] kernel, double[] bias, int k, int out, int stride) {
        int in = x[0][0].length;
        int oh = (x.length - k) / stride + 1, ow = (x[0].length - k) / stride + 1;
        double[][][] y = new double[oh][ow][out];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                for (int o = 0; o < out; o++) {
                    double s = bias == null ? 0 : bias[o];
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            for (int c = 0; c < in; c++) {
                                s += x[i * stride + a][j * stride + b][c] * kernel[((a * k + b) * in + c) * out + o];
                            }
                        }
                    }
                    y[i][j][o] = s;
                }
            }
        }
        return y;
    }

    /** 'valid' depthwise convolution; kernel [k][k][in][mult]; output channel c * mult + m. */
    static double[][][] depthwise(double[][][] x, double[] kernel, int k, int mult, int stride) {
        int in = x[0][0].length;
        int oh = (x.length - k) / stride + 1, ow = (x[0].length - k) / stride + 1;
        double[][][] y = new double[oh][ow][in * mult];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                for (int c = 0; c < in; c++) {
                    for (int m = 0; m < mult; m++) {
                        double s = 0;
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                s += x[i * stride + a][j * stride + b][c] * kernel[((a * k + b) * in + c) * mult + m];
                            }
                        }
                        y[i][j][c * mult + m] = s;
                    }
                }
            }
        }
        return y;
    }

    static double[][][] batchNorm(double[][][] x, double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        double[][][] y = copy(x);
        for (double[][] row : y) {
            for (double[] px : row) {
                for (int c = 0; c < px.length; c++) {
                    px[c] = (px[c] - mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c];
                }
            }
        }
        return y;
    }

    /** min(max(x, 0), max); max infinite for a plain ReLU. */
    static double[][][] relu(double[][][] x, double max) {
        double[][][] y = copy(x);
        for (double[][] row : y) {
            for (double[] px : row) {
                for (int c = 0; c < px.length; c++) {
                    px[c] = Math.min(Math.max(px[c], 0), max);
                }
            }
        }
        return y;
    }

    static double[][][] add(double[][][] a, double[][][] b) {
        double[][][] y = copy(a);
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y[0].length; j++) {
                for (int c = 0; c < y[0][0].length; c++) {
                    y[i][j][c] += b[i][j][c];
                }
            }
        }
        return y;
    }

    static double[][][] averagePool(double[][][] x, int k) {
        int oh = (x.length - k) / k + 1, ow = (x[0].length - k) / k + 1, c = x[0][0].length;
        double[][][] y = new double[oh][ow][c];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        for (int ch = 0; ch < c; ch++) {
                            y[i][j][ch] += x[i * k + a][j * k + b][ch] / (k * k);
                        }
                    }
                }
            }
        }
        return y;
    }

    /** Keras Flatten (row-major h, w, c), then x W + b, then softmax. */
    static double[] denseSoftmax(double[][][] x, double[] kernel, double[] bias, int out) {
        int n = x.length * x[0].length * x[0][0].length;
        double[] flat = new double[n];
        int f = 0;
        for (double[][] row : x) {
            for (double[] px : row) {
                for (double v : px) {
                    flat[f++] = v;
                }
            }
        }
        double[] z = new double[out];
        double max = -Double.MAX_VALUE, sum = 0;
        for (int o = 0; o < out; o++) {
            z[o] = bias[o];
            for (int i = 0; i < n; i++) {
                z[o] += flat[i] * kernel[i * out + o];
            }
            max = Math.max(max, z[o]);
        }
        for (int o = 0; o < out; o++) {
            z[o] = Math.exp(z[o] - max);
            sum += z[o];
        }
        for (int o = 0; o < out; o++) {
            z[o] /= sum;
        }
        return z;
    }

    private static double[][][] copy(double[][][] x) {
        double[][][] y = new double[x.length][x[0].length][];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                y[i][j] = x[i][j].clone();
            }
        }
        return y;
    }
}
