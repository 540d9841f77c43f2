package org.instanceretrieval.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Random;
import org.instanceretrieval.math.VectorMath;

/**
 * Benchmark data at GPR1200 scale, shared byte-for-byte by the JMH benchmark and
 * {@code bench/gpr1200_reference.py}: {@code numClasses} classes of {@code perClass} items
 * (item i has class i / perClass), each item = class centre + {@code spread} x noise, both
 * standard Gaussian from a seeded {@link Random}, then L2-normalised.
 *
 * <p>Files in the data directory: {@code shape.txt} ("n dim"), {@code vectors.f32}
 * (n x dim little-endian float32, row-major) and {@code labels.i32} (n little-endian int32).
 *
 * <p>Run as a program to write the files: {@code Gpr1200LikeData <dir> [numClasses=1200]
 * [perClass=10] [dim=768] [seed=1200] [spread=2.5]}.
 */
public final class Gpr1200LikeData {

    final int n;
    final int dim;
    final float[] vectors;
    final int[] labels;

    private Gpr1200LikeData(int n, int dim, float[] vectors, int[] labels) {
        this.n = n;
        this.dim = dim;
        this.vectors = vectors;
        this.labels = labels;
    }

    static Gpr1200LikeData generate(int numClasses, int perClass, int dim, long seed, double spread) {
        Random random = new Random(seed);
        float[][] centres = new float[numClasses][dim];
        for (float[] centre : centres) {
            for (int k = 0; k < dim; k++) {
                centre[k] = (float) random.nextGaussian();
            }
        }
        int n = numClasses * perClass;
        float[] vectors = new float[n * dim];
        int[] labels = new int[n];
        float[] v = new float[dim];
        for (int i = 0; i < n; i++) {
            labels[i] = i / perClass;
            for (int k = 0; k < dim; k++) {
                v[k] = centres[labels[i]][k] + (float) (spread * random.nextGaussian());
            }
            VectorMath.l2NormalizeInPlace(v);
            System.arraycopy(v, 0, vectors, i * dim, dim);
        }
        return new Gpr1200LikeData(n, dim, vectors, labels);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("shape.txt"), n + " " + dim + "\n", StandardCharsets.US_ASCII);
        ByteBuffer vb = ByteBuffer.allocate(vectors.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        vb.asFloatBuffer().put(vectors);
        writeAll(dir.resolve("vectors.f32"), vb);
        ByteBuffer lb = ByteBuffer.allocate(labels.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        lb.asIntBuffer().put(labels);
        writeAll(dir.resolve("labels.i32"), lb);
    }

    static Gpr1200LikeData read(Path dir) throws IOException {
        String[] shape = Files.readString(dir.resolve("shape.txt"), StandardCharsets.US_ASCII).trim().split("\\s+");
        int n = Integer.parseInt(shape[0]);
        int dim = Integer.parseInt(shape[1]);
        float[] vectors = new float[n * dim];
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("vectors.f32"))).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vectors);
        int[] labels = new int[n];
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("labels.i32"))).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(labels);
        return new Gpr1200LikeData(n, dim, vectors, labels);
    }

    /** Positives of every item as a query: all items of its class, itself included (GPR1200). */
    int[][] sameClassPositives() {
        int numClasses = 0;
        for (int label : labels) {
            numClasses = Math.max(numClasses, label + 1);
        }
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] members = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            members[c] = new int[counts[c]];
            counts[c] = 0;
        }
        for (int i = 0; i < n; i++) {
            members[labels[i]][counts[labels[i]]++] = i;
        }
        int[][] positives = new int[n][];
        for (int i = 0; i < n; i++) {
            positives[i] = members[labels[i]];
        }
        return positives;
    }

    private static void writeAll(Path file, ByteBuffer buffer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Gpr1200LikeData <dir> [numClasses=1200] [perClass=10] [dim=768] [seed=1200] [spread=2.5]");
            System.exit(2);
        }
        int numClasses = args.length > 1 ? Integer.parseInt(args[1]) : 1200;
        int perClass = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int dim = args.length > 3 ? Integer.parseInt(args[3]) : 768;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1200L;
        double spread = args.length > 5 ? Double.parseDouble(args[5]) : 2.5;
        Gpr1200LikeData data = generate(numClasses, perClass, dim, seed, spread);
        data.write(Path.of(args[0]));
        System.out.println(String.format(Locale.ROOT, "wrote %d vectors of dimension %d (%d classes) to %s", data.n, dim, numClasses, args[0]));
    }
}
