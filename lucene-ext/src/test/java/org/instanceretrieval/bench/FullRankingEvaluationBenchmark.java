package org.instanceretrieval.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.instanceretrieval.eval.FullRankingEvaluator;
import org.instanceretrieval.eval.FullRankingEvaluator.ApFormula;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GPR1200-scale exhaustive evaluation: every item of the {@link Gpr1200LikeData} directory
 * queries the whole collection (self kept), positives = its class, non-interpolated AP, mean
 * over all queries. Counterpart of {@code bench/gpr1200_reference.py} on the same files; both
 * print the mAP. Timed end to end from vectors in memory (kernel preparation, scoring, rank
 * counting, AP), data loading excluded. Driven by {@code bench/run-eval-bench.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class FullRankingEvaluationBenchmark {

    /** Directory written by {@link Gpr1200LikeData}; relative paths resolve against the JVM's working directory. */
    @Param({"../bench-data"})
    public String dataDir;

    /** Worker threads; 0 means all available processors. */
    @Param({"0"})
    public int threads;

    @Param({"" + FullRankingEvaluator.DEFAULT_QUERY_BLOCK})
    public int queryBlock;

    /** {@code true} to measure the portable scalar kernel instead of the best available. */
    @Param({"false"})
    public boolean scalar;

    private Gpr1200LikeData data;
    private int[][] positives;
    private FullRankingEvaluator evaluator;
    private double lastMeanAp = Double.NaN;

    @Setup(Level.Trial)
    public void load() throws IOException {
        data = Gpr1200LikeData.read(Path.of(dataDir));
        positives = data.sameClassPositives();
        ScoreKernel kernel = scalar ? ScoreKernels.scalar() : ScoreKernels.best();
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        evaluator = new FullRankingEvaluator(ApFormula.NON_INTERPOLATED, workers, kernel, queryBlock);
        System.out.println(String.format(Locale.ROOT, "%n%d queries x %d items x %d dims, kernel %s, %d threads",
            data.n, data.n, data.dim, kernel, workers));
    }

    @Benchmark
    public double evaluate() {
        lastMeanAp = evaluator.evaluate(data.vectors, data.n, data.vectors, data.n, data.dim, positives, null).meanAp();
        return lastMeanAp;
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.println(String.format(Locale.ROOT, "%njava mAP=%.9f", lastMeanAp));
    }
}
