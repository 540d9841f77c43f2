package org.instanceretrieval.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One ONNX network loaded into an ONNX Runtime session, checked against what the recipe
 * declares: a single float image input {@code [N, 3, H, W]} and a float output of the
 * declared kind. Thread-safe (ONNX Runtime sessions are); close it to free native memory.
 */
public final class OnnxModel implements AutoCloseable {

    /** The output of one batch: {@code batch} images, each {@code values[i]} of shape {@code shape}. */
    public record Output(int batch, long[] shape, float[][] values) {}

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final String outputName;
    private final long[] outputShape;
    private final OutputKind outputKind;
    private volatile boolean closed;

    /**
     * @param definition the ONNX bytes
     * @param outputName the output tensor to read, or {@code null} for the only output
     * @throws IllegalArgumentException when the bytes are not a model ONNX Runtime can load, or
     *     its input or output does not fit
     */
    public OnnxModel(byte[] definition, String outputName, OutputKind outputKind, OrtSession.SessionOptions options) {
        try {
            this.session = ENV.createSession(definition, options);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
        try {
            this.inputName = checkInput(session);
            this.inputShape = ((TensorInfo) session.getInputInfo().get(inputName).getInfo()).getShape();
            this.outputName = checkOutput(session, outputName, outputKind);
            this.outputShape = ((TensorInfo) session.getOutputInfo().get(this.outputName).getInfo()).getShape();
            this.outputKind = outputKind;
        } catch (RuntimeException | OrtException e) {
            closeQuietly();
            throw e instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public OutputKind outputKind() {
        return outputKind;
    }

    /**
     * The input's fixed batch size, or -1 when the batch dimension is dynamic. A network exported
     * without a dynamic batch axis (PyTorch's default) accepts only its export batch, usually 1.
     */
    public int fixedBatchSize() {
        return inputShape[0] > 0 ? (int) inputShape[0] : -1;
    }

    /** The input's fixed {height, width}, each -1 when that dimension is dynamic. */
    public int[] fixedInputSize() {
        return new int[] { inputShape[2] > 0 ? (int) inputShape[2] : -1, inputShape[3] > 0 ? (int) inputShape[3] : -1 };
    }

    /** The output's name. */
    public String outputName() {
        return outputName;
    }

    /** The output's shape as the model declares it, -1 for each dynamic dimension (the batch first). */
    public long[] declaredOutputShape() {
        return outputShape.clone();
    }

    /**
     * Floats of one image's output when every dimension but the batch is fixed in the model, or -1
     * when one of them is dynamic (then only a run tells).
     */
    public long staticOutputValuesPerImage() {
        long values = 1;
        for (int i = 1; i < outputShape.length; i++) {
            if (outputShape[i] <= 0) {
                return -1;
            }
            values = times(values, outputShape[i]);
        }
        return values;
    }

    /**
     * Heap bytes {@link #run} allocates to copy an output of {@code values} floats for {@code batch}
     * images out of ONNX Runtime: the copy of the whole output, plus the per-image arrays when the
     * batch holds more than one image (a batch of one keeps the copy itself).
     */
    public static long outputCopyBytes(long values, int batch) {
        long once = times(values, Float.BYTES);
        return batch == 1 ? once : (once > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * once);
    }

    /** Runs {@code batch} images of {@code height x width}, packed NCHW in {@code input}. */
    public Output run(float[] input, int batch, int height, int width) {
        return run(input, batch, height, width, bytes -> {});
    }

    /**
     * Runs {@code batch} images of {@code height x width}, packed NCHW in {@code input}; before the
     * output is copied onto the Java heap, {@code beforeCopy} is told the bytes of that copy
     * ({@link #outputCopyBytes}) and may refuse it by throwing, which this method passes on unchanged.
     */
    public Output run(float[] input, int batch, int height, int width, LongConsumer beforeCopy) {
        long[] shape = { batch, 3, height, width };
        if ((long) batch * 3 * height * width != input.length) {
            throw new IllegalArgumentException("input holds " + input.length + " values, not " + Arrays.toString(shape));
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(outputName).orElseThrow();
            long[] outShape = out.getInfo().getShape();
            if (outShape.length != outputKind.rank() || outShape[0] != batch) {
                throw new IllegalArgumentException("model output [" + outputName + "] has shape " + Arrays.toString(outShape)
                    + ", which is not a " + outputKind + " for a batch of " + batch);
            }
            long total = 1;
            for (long d : outShape) {
                total = times(total, d);
            }
            beforeCopy.accept(outputCopyBytes(total, batch));
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("model output [" + outputName + "] has shape " + Arrays.toString(outShape)
                    + ": " + total + " values, more than a Java array holds");
            }
            FloatBuffer values = out.getFloatBuffer();
            int per = values.capacity() / batch;
            float[][] perImage;
            if (batch == 1 && values.hasArray() && values.arrayOffset() == 0 && values.array().length == per) {
                perImage = new float[][] { values.array() }; // the copy is ours already
            } else {
                perImage = new float[batch][per];
                for (int i = 0; i < batch; i++) {
                    values.get(perImage[i]);
                }
            }
            return new Output(batch, Arrays.copyOfRange(outShape, 1, outShape.length), perImage);
        } catch (OrtException e) {
            throw new IllegalArgumentException("inference failed: " + e.getMessage(), e);
        }
    }

    /** {@code a * b} for non-negative factors, {@link Long#MAX_VALUE} when it overflows. */
    private static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String checkInput(OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("the model must have exactly one input (the image), it has " + inputs.keySet());
        }
        Map.Entry<String, NodeInfo> input = inputs.entrySet().iterator().next();
        if (!(input.getValue().getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT || t.getShape().length != 4
            || (t.getShape()[1] != 3 && t.getShape()[1] != -1)) {
            throw new IllegalArgumentException("model input [" + input.getKey() + "] must be a float [N, 3, H, W] tensor, it is "
                + input.getValue().getInfo());
        }
        return input.getKey();
    }

    private static String checkOutput(OrtSession session, String requested, OutputKind kind) throws OrtException {
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String name = requested;
        if (name == null) {
            if (outputs.size() != 1) {
                throw new IllegalArgumentException("the model has several outputs " + outputs.keySet() + ": name the one to use");
            }
            name = outputs.keySet().iterator().next();
        }
        NodeInfo info = outputs.get(name);
        if (info == null) {
            throw new IllegalArgumentException("the model has no output [" + name + "]; its outputs are " + outputs.keySet());
        }
        if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT || t.getShape().length != kind.rank()) {
            throw new IllegalArgumentException("model output [" + name + "] is " + info.getInfo() + ", which does not fit the declared kind "
                + kind + " (a float tensor of rank " + kind.rank() + ")");
        }
        return name;
    }

    private void closeQuietly() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // already failing: the original error is what matters
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /** Frees the session's native memory. Idempotent; {@link #run} must not be called afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed", e);
        }
    }
}
