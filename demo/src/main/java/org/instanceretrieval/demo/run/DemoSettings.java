package org.instanceretrieval.demo.run;

import java.util.List;
import java.util.Locale;

/**
 * The method settings of the demo and where each comes from. They are the seed papers' defaults, never sized from the
 * ground truth the demo then evaluates: AQE n = 10 and alpha-QE alpha = 3 (Radenović et al.), DBA n' = 20 (the same
 * study's alpha-DBA, alpha 0), diffusion k = 50, gamma = 3, alpha = 0.99, k_q = 10 (Iscen et al.). The evaluation depth
 * and the diffusion graph's k are capped by the collection's size, which is said in the provenance line.
 */
public record DemoSettings(Table1Config.Parameters parameters, int dbaN, List<String> provenance) {

    public static final int AQE_N = 10;
    public static final int DBA_N = 20;
    public static final int DIFFUSION_K = 50;
    public static final double DIFFUSION_GAMMA = 3;
    public static final double DIFFUSION_ALPHA = 0.99;
    public static final int DIFFUSION_QUERY_K = 10;
    public static final int MAX_DEPTH = 1000;

    /** The seeds' defaults for a collection of {@code collectionSize} images. */
    public static DemoSettings seedDefaults(int collectionSize) {
        int depth = Math.min(collectionSize, MAX_DEPTH);
        int k = Math.max(1, Math.min(DIFFUSION_K, depth - 1));
        int dbaN = Math.max(1, Math.min(DBA_N, collectionSize));
        Table1Config.Parameters p = new Table1Config.Parameters(depth, AQE_N, k, DIFFUSION_GAMMA, DIFFUSION_ALPHA, DIFFUSION_QUERY_K,
            false);
        List<String> provenance = List.of(
            String.format(Locale.ROOT, "setting: AQE n=%d (seed default, Radenovic et al.)", AQE_N),
            String.format(Locale.ROOT, "setting: DBA n'=%d (seed default 20%s)", dbaN, dbaN < DBA_N ? ", capped by the collection size" : ""),
            String.format(Locale.ROOT, "setting: diffusion k=%d%s, gamma=%s, alpha=%s, k_q=%d (seed defaults, Iscen et al.)", k,
                k < DIFFUSION_K ? " (seed default 50, capped by the window of " + depth + ")" : "", DIFFUSION_GAMMA, DIFFUSION_ALPHA,
                DIFFUSION_QUERY_K),
            String.format(Locale.ROOT, "setting: evaluation depth %d (the whole collection, at most %d); no setting was tuned on the "
                + "evaluated ground truth", depth, MAX_DEPTH)
        );
        return new DemoSettings(p, dbaN, provenance);
    }
}
