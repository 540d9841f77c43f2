package org.instanceretrieval.bench;

import org.instanceretrieval.diffusion.AffinityGraph;
import org.instanceretrieval.diffusion.BruteForceNeighbourSearch;
import org.instanceretrieval.diffusion.CgSolution;
import org.instanceretrieval.diffusion.ConjugateGradient;
import org.instanceretrieval.diffusion.Diffusion;
import org.instanceretrieval.diffusion.GraphParameters;
import org.instanceretrieval.diffusion.QueryWeighting;
import org.instanceretrieval.math.VectorMath;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Diffusion timings on clustered random vectors: (a) building the mutual-kNN graph
 * (k = 50, gamma = 3; target &lt;= 2.5 s for 5,000 x 512 on 2 cores) and (b) one query on the built
 * graph (kq = 10, alpha = 0.99, CG tol 1e-6, at most 20 iterations, including the query's kNN
 * search; target &lt;= 3 ms).
 *
 * <p>Data ({@link #generate}): {@code clusters} Gaussian centres (seeded {@link Random}),
 * L2-normalised; item i = L2(centre[i % clusters] + noise / sqrt(dim) * Gaussian); the query is
 * one more item of cluster 0 drawn after the database. The setup writes the database rows then
 * the query as raw little-endian float32 to {@code target/diffusion-bench-<n>x<dim>.f32}
 * (directory overridable with {@code -Ddiffusion.bench.dir}), which
 * {@code bench/diffusion_reference.py} reads, so both sides time identical data. It also prints
 * the query's CG iterations, residual and top-10 ids for comparison with the script.
 *
 * <p>Run: {@code mvn -q -B -pl lucene-ext -Pbench -DskipTests verify
 * -Dbench.args="DiffusionBenchmark -f 1"}; smoke: add {@code -wi 0 -i 1 -p n=500 -p dim=64}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-modules=jdk.incubator.vector", "-Xmx2g" })
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class DiffusionBenchmark {

    @Param("5000")
    public int n;

    @Param("512")
    public int dim;

    @Param("100")
    public int clusters;

    @Param("0.8")
    public double noise;

    @Param("50")
    public int k;

    @Param("42")
    public long seed;

    private float[][] database;
    private float[] query;
    private GraphParameters graphParameters;
    private Diffusion diffusion;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        float[][] all = generate(n + 1, dim, clusters, noise, seed);
        database = Arrays.copyOf(all, n);
        query = all[n];
        Path file = Paths.get(System.getProperty("diffusion.bench.dir", "target"), "diffusion-bench-" + n + "x" + dim + ".f32");
        write(all, file);
        graphParameters = new GraphParameters(k, GraphParameters.DEFAULT_GAMMA);
        AffinityGraph graph = AffinityGraph.build(database, graphParameters);
        diffusion = new Diffusion(database, graph, QueryWeighting.defaults(), ConjugateGradient.defaults(), BruteForceNeighbourSearch.INSTANCE);
        CgSolution f = diffusion.diffuse(query);
        System.out.println(String.format(Locale.ROOT,
            "%n[diffusion] wrote %s; graph nnz=%d; query: iterations=%d converged=%b relres=%.3e top10=%s",
            file.toAbsolutePath(), graph.normalized().nonZeros(), f.iterations(), f.converged(), f.relativeResidual(),
            Arrays.toString(Arrays.copyOf(f.ranking(), 10))));
    }

    /** (a) Graph build: kNN search, mutual filter, normalisation. */
    @Benchmark
    public AffinityGraph buildGraph() {
        return AffinityGraph.build(database, graphParameters);
    }

    /** (b) One diffusion query on the built graph: kNN of the query, y, CG. */
    @Benchmark
    public CgSolution query() {
        return diffusion.diffuse(query);
    }

    /** Clustered random unit vectors, documented in the class comment (also the python script's input). */
    static float[][] generate(int count, int dim, int clusters, double noise, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) random.nextGaussian();
            }
            VectorMath.l2NormalizeInPlace(c);
        }
        double sigma = noise / Math.sqrt(dim);
        float[][] out = new float[count][dim];
        for (int i = 0; i < count; i++) {
            float[] centre = centres[i % clusters];
            for (int d = 0; d < dim; d++) {
                out[i][d] = (float) (centre[d] + sigma * random.nextGaussian());
            }
            VectorMath.l2NormalizeInPlace(out[i]);
        }
        return out;
    }

    static void write(float[][] rows, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ByteBuffer buffer = ByteBuffer.allocate(rows.length * rows[0].length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (float v : row) {
                buffer.putFloat(v);
            }
        }
        buffer.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
