package org.instanceretrieval.bench;

import org.instanceretrieval.rerank.KReciprocal;
import org.instanceretrieval.rerank.KReciprocalDistances;
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

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The window path of k-reciprocal re-ranking ({@link KReciprocal#distances(float[], float[][])}: all-pairs distances of the
 * query and the window's vectors, rankings, sets, encodings, Jaccard distances) for one query and a window of {@code w}
 * items, with the paper's defaults k1 20, k2 6, lambda 0.3; what the {@code k_reciprocal} rescorer computes per shard after
 * reading the window's vectors.
 *
 * <p>Data: {@link DiffusionBenchmark#generate} ({@code clusters} centres, noise 0.8 / sqrt(dim)), w + 1 rows, the last
 * one the query. The setup writes the window rows then the query as raw little-endian float32 to
 * {@code target/kreciprocal-bench-<w>x<dim>.f32}, which {@code bench/kreciprocal_reference.py} (the authors'
 * {@code re_ranking} in numpy) reads, and prints the first 10 window positions of the ranking for comparison.
 *
 * <p>Run: {@code bench/run-kreciprocal-bench.sh}, or {@code mvn -q -B -pl lucene-ext -Pbench -DskipTests verify
 * -Dbench.args="KReciprocalBenchmark -f 1"}; smoke: add {@code -wi 0 -i 1 -p w=200 -p dim=64}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-modules=jdk.incubator.vector", "-Xmx2g" })
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class KReciprocalBenchmark {

    @Param("1000")
    public int w;

    @Param({ "128", "2048" })
    public int dim;

    @Param("20")
    public int clusters;

    @Param("42")
    public long seed;

    private float[][] window;
    private float[] query;
    private final KReciprocal reranking = KReciprocal.defaults();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        float[][] all = DiffusionBenchmark.generate(w + 1, dim, clusters, 0.8, seed);
        window = Arrays.copyOf(all, w);
        query = all[w];
        Path file = Paths.get(System.getProperty("kreciprocal.bench.dir", "target"), "kreciprocal-bench-" + w + "x" + dim + ".f32");
        DiffusionBenchmark.write(all, file);
        int[] ranking = reranking.distances(query, window).ranking();
        System.out.println(String.format(Locale.ROOT, "%n[kreciprocal] wrote %s; top10=%s", file.toAbsolutePath(),
            Arrays.toString(Arrays.copyOf(ranking, 10))));
    }

    /** One query's re-ranking of its window from the vectors. */
    @Benchmark
    public KReciprocalDistances rerank() {
        return reranking.distances(query, window);
    }
}
