package org.instanceretrieval.bench;

import org.instanceretrieval.math.ScoreKernel;
import org.instanceretrieval.math.ScoreKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The score kernel ({@link ScoreKernels#best()}) alone: {@code queries} query vectors against {@code rows} rows of {@code dim}
 * dimensions, in blocks of 64 queries, as exact kNN and the window graphs of diffusion call it. Row counts that are and are
 * not a multiple of the vector lanes (16 on AVX-512): a last panel with padding rows is the case that used to be slow.
 *
 * <p>Run: {@code mvn -q -B -pl lucene-ext -Pbench -DskipTests verify -Dbench.args="ScoreKernelBenchmark -f 3"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = { "--add-modules=jdk.incubator.vector", "-Xmx2g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScoreKernelBenchmark {

    @Param({ "1000", "1008" })
    public int rows;

    @Param({ "512" })
    public int dim;

    @Param("1000")
    public int queries;

    private final ScoreKernel kernel = ScoreKernels.best();
    private ScoreKernel.Prepared prepared;
    private float[] queryVectors;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        float[] collection = new float[rows * dim];
        for (int i = 0; i < collection.length; i++) {
            collection[i] = (float) random.nextGaussian();
        }
        queryVectors = new float[queries * dim];
        for (int i = 0; i < queryVectors.length; i++) {
            queryVectors[i] = (float) random.nextGaussian();
        }
        prepared = kernel.prepare(collection, rows, dim);
        out = new float[64 * rows];
    }

    /** Every query against every row, 64 queries at a time. */
    @Benchmark
    public float[] scoreAll() {
        for (int first = 0; first < queries; first += 64) {
            kernel.scoreBlock(queryVectors, first, Math.min(64, queries - first), prepared, out);
        }
        return out;
    }
}
