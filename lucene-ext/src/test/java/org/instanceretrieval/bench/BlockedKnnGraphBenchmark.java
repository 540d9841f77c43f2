package org.instanceretrieval.bench;

import org.instanceretrieval.graph.BlockedKnnGraph;
import org.instanceretrieval.graph.VectorBlock;
import org.instanceretrieval.math.ParallelBlocks;
import org.instanceretrieval.math.ScoreKernels;
import org.instanceretrieval.neighbours.Neighbours;
import org.instanceretrieval.testing.ClusteredVectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Wall time of the {@code exact} graph compute, {@link BlockedKnnGraph}, all against all with
 * blocks streamed (defaults: 20,000 x 128 clustered unit vectors, k = 50, blocks of 4,096, the
 * common pool = all cores). Plain main, no JMH: {@code warmups} untimed runs then {@code runs}
 * timed ones, each over the whole build; prints min and median. It writes the vectors as raw
 * little-endian float32 to {@code target/knn-bench-<n>x<dim>.f32} and the first rows' lists to
 * {@code target/knn-bench-<n>x<dim>.check} for {@code bench/knn_graph_reference.py}, which
 * times numpy + OpenBLAS on the same data and compares the lists.
 *
 * <p>Run: {@code bench/run-knn-graph-bench.sh}, or {@code java --add-modules=jdk.incubator.vector
 * -cp <test classpath> org.instanceretrieval.bench.BlockedKnnGraphBenchmark [n dim k block
 * warmups runs]}.
 */
public final class BlockedKnnGraphBenchmark {

    private BlockedKnnGraphBenchmark() {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int blockSize = args.length > 3 ? Integer.parseInt(args[3]) : 4096;
        int warmups = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int runs = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        Path dir = Paths.get(System.getProperty("knn.bench.dir", "target"));
        Files.createDirectories(dir);

        float[][] v = ClusteredVectors.generate(n, dim, 100, 0.1, 42);
        String name = "knn-bench-" + n + "x" + dim;
        writeVectors(dir.resolve(name + ".f32"), v);
        int numBlocks = (n + blockSize - 1) / blockSize;
        BlockedKnnGraph.BlockSource source = new BlockedKnnGraph.BlockSource() {
            @Override
            public int numBlocks() {
                return numBlocks;
            }

            @Override
            public VectorBlock block(int b) {
                // built on demand from the rows, as a shard read would be (the copy is timed)
                int from = b * blockSize;
                return VectorBlock.ofRows(Arrays.copyOfRange(v, from, Math.min(n, from + blockSize)), from);
            }
        };
        BlockedKnnGraph graph = new BlockedKnnGraph(k, ScoreKernels.best(), ParallelBlocks.COMMON_POOL);
        System.out.printf(Locale.ROOT, "BlockedKnnGraph %d x %d, k=%d, blocks of %d (%d blocks), %s, %d cores, java %s%n",
            n, dim, k, blockSize, numBlocks, graph, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        Neighbours[] lists = new Neighbours[n];
        double[] times = new double[runs];
        for (int run = -warmups; run < runs; run++) {
            long start = System.nanoTime();
            graph.build(source, (queries, result) -> {
                for (int r = 0; r < queries.size(); r++) {
                    lists[queries.ordinal(r)] = result[r];
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s %d: %.3f s%n", run < 0 ? "warmup" : "run", run < 0 ? run + warmups : run, seconds);
            if (run >= 0) {
                times[run] = seconds;
            }
        }
        Arrays.sort(times);
        System.out.printf(Locale.ROOT, "java blocked knn graph: min %.3f s, median %.3f s%n", times[0], times[runs / 2]);
        StringBuilder check = new StringBuilder();
        for (int i = 0; i < Math.min(n, 200); i++) {
            check.append(i);
            for (int t = 0; t < lists[i].size(); t++) {
                check.append(' ').append(lists[i].id(t));
            }
            check.append('\n');
        }
        Files.writeString(dir.resolve(name + ".check"), check);
    }

    private static void writeVectors(Path file, float[][] v) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(v.length * v[0].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : v) {
            for (float x : row) {
                buffer.putFloat(x);
            }
        }
        buffer.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
