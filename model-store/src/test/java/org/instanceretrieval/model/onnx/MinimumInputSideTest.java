package org.instanceretrieval.model.onnx;

import org.junit.Test;

import java.util.List;
import java.util.Set;

import static org.instanceretrieval.model.onnx.OnnxGraphWriter.intAttr;
import static org.instanceretrieval.model.onnx.OnnxGraphWriter.intsAttr;
import static org.instanceretrieval.model.onnx.OnnxGraphWriter.stringAttr;
import static org.junit.Assert.assertEquals;

/**
 * Minimum input sides of small hand-built graphs, each worked out by hand in its comment, and of the built-in models.
 * The expected values never come from {@link MinimumInputSide} itself.
 */
public class MinimumInputSideTest {

    /** A float [N, 3, H, W] input x and a weight w_name of shape [out, in, k, k] (zeros: only the shape matters). */
    static OnnxGraphWriter graph(String name) {
        return new OnnxGraphWriter(name).input("x", null, 3L, null, null);
    }

    static OnnxGraphWriter weight(OnnxGraphWriter g, String name, int out, int in, int k) {
        return g.initializer(name, new long[] { out, in, k, k }, new float[out * in * k * k]);
    }

    /**
     * Conv k7 s2 p3 (3->4), MaxPool k3 s2, Conv k3 s1 valid (4->2). For side s:
     * c1 = floor((s + 6 - 7) / 2) + 1 = floor((s - 1) / 2) + 1; p = floor((c1 - 3) / 2) + 1 (needs c1 >= 3); c2 = p - 2
     * (needs p >= 3, so c1 >= 7, so floor((s - 1) / 2) >= 6, so s >= 13). s = 12: c1 = 6, p = 2, c2 = 0; s = 13: 7, 3, 1.
     */
    public static byte[] stemGraph() {
        OnnxGraphWriter g = graph("stem");
        weight(g, "w1", 4, 3, 7);
        weight(g, "w2", 2, 4, 3);
        return g.output("y", null, 2L, null, null)
            .node("Conv", List.of("x", "w1"), List.of("c1"), intsAttr("strides", 2, 2), intsAttr("pads", 3, 3, 3, 3))
            .node("MaxPool", List.of("c1"), List.of("p"), intsAttr("kernel_shape", 3, 3), intsAttr("strides", 2, 2))
            .node("Conv", List.of("p", "w2"), List.of("y"), intsAttr("kernel_shape", 3, 3), stringAttr("auto_pad", "VALID"))
            .build("test", "");
    }

    @Test
    public void convPoolConvStem() {
        assertEquals(13, MinimumInputSide.of(stemGraph()).side());
        // brute force of the formulas in the comment, independently of the class
        int s = 1;
        while (Math.floorDiv(Math.floorDiv(s - 1, 2) + 1 - 3, 2) + 1 - 2 < 1) {
            s++;
        }
        assertEquals(13, s);
    }

    /**
     * Three Conv k3 s2 SAME_UPPER, then Conv k5 valid: SAME gives ceil(side / 2) each time, so ceil(s / 8) after three,
     * and k5 valid needs 5: ceil(s / 8) >= 5, so s >= 33 (32 gives 16, 8, 4 and then 0; 33 gives 17, 9, 5 and then 1).
     */
    @Test
    public void sameUpperConvolutions() {
        OnnxGraphWriter g = graph("same");
        weight(g, "w3", 3, 3, 3);
        weight(g, "w5", 1, 3, 5);
        for (int i = 0; i < 3; i++) {
            g.node("Conv", List.of(i == 0 ? "x" : "s" + i, "w3"), List.of("s" + (i + 1)), intsAttr("strides", 2, 2),
                stringAttr("auto_pad", "SAME_UPPER"));
        }
        byte[] onnx = g.node("Conv", List.of("s3", "w5"), List.of("y")).output("y", null, 1L, null, null).build("test", "");
        assertEquals(33, MinimumInputSide.of(onnx).side());
    }

    /**
     * MaxPool k2 s2 ceil_mode 1, then two Conv k3 valid, which need 5 after the pool: ceil((s - 2) / 2) + 1 >= 5, so
     * s - 2 > 6, s >= 9 (floor mode would need s >= 10: floor(7 / 2) + 1 = 4 at 9). No window starts in the padding
     * (there is none).
     */
    @Test
    public void ceilModePool() {
        assertEquals(9, MinimumInputSide.of(ceilPool(1)).side());
        assertEquals(10, MinimumInputSide.of(ceilPool(0)).side());
    }

    static byte[] ceilPool(int ceilMode) {
        OnnxGraphWriter g = graph("ceil");
        weight(g, "w", 3, 3, 3);
        return g.node("MaxPool", List.of("x"), List.of("p"), intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2),
                intAttr("ceil_mode", ceilMode))
            .node("Conv", List.of("p", "w"), List.of("c")).node("Conv", List.of("c", "w"), List.of("y"))
            .output("y", null, 3L, null, null).build("test", "");
    }

    /**
     * MaxPool k2 s2 with an end pad of 1 and ceil_mode, then Conv k2 valid (needs 2 after the pool). s = 2: ceil((2 + 1 - 2)
     * / 2) + 1 = 2 windows, but the second starts at 2, in the end padding (the input has 0..1), so it is dropped: 1, and
     * the conv gets 0. s = 3: ceil(2 / 2) + 1 = 2, the second window starts at 2, inside: 2, conv 1. So 3.
     */
    @Test
    public void ceilModeDropsAWindowStartingInThePadding() {
        OnnxGraphWriter g = graph("drop");
        weight(g, "w", 1, 3, 2);
        byte[] onnx = g.node("MaxPool", List.of("x"), List.of("p"), intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2),
                intsAttr("pads", 0, 0, 1, 1), intAttr("ceil_mode", 1))
            .node("Conv", List.of("p", "w"), List.of("y")).output("y", null, 1L, null, null).build("test", "");
        assertEquals(3, MinimumInputSide.of(onnx).side());
    }

    /**
     * Two branches joined by a channel Concat: A is Conv k3 s2 valid, a = floor((s - 3) / 2) + 1 (needs s >= 3); B is
     * Conv k7 valid (b1 = s - 6, needs s >= 7) then Conv k3 s2 pads 3, b = floor((b1 + 6 - 3) / 2) + 1 = a. Then a Conv k1.
     * The narrower branch B decides: 7 (A alone would allow 3).
     */
    static byte[] branchGraph(boolean withB) {
        OnnxGraphWriter g = graph("branches");
        weight(g, "wa", 2, 3, 3);
        weight(g, "wb1", 2, 3, 7);
        weight(g, "wb2", 2, 2, 3);
        weight(g, "w1", 1, withB ? 4 : 2, 1);
        g.node("Conv", List.of("x", "wa"), List.of("a"), intsAttr("strides", 2, 2));
        if (withB) {
            g.node("Conv", List.of("x", "wb1"), List.of("b1"))
                .node("Conv", List.of("b1", "wb2"), List.of("b"), intsAttr("strides", 2, 2), intsAttr("pads", 3, 3, 3, 3))
                .node("Concat", List.of("a", "b"), List.of("ab"), intAttr("axis", 1));
        }
        return g.node("Conv", List.of(withB ? "ab" : "a", "w1"), List.of("y")).output("y", null, 1L, null, null).build("test", "");
    }

    @Test
    public void theNarrowerBranchOfAConcatDecides() {
        assertEquals(7, MinimumInputSide.of(branchGraph(true)).side());
        assertEquals(3, MinimumInputSide.of(branchGraph(false)).side());
    }

    /** Pad 2 on each side of H and W (constant pads from an int64 initializer), then Conv k9 valid: s + 4 >= 9, s >= 5. */
    @Test
    public void constantPadsAreAdded() {
        OnnxGraphWriter g = graph("pad");
        weight(g, "w", 1, 3, 9);
        g.int64Initializer("pads", new long[] { 8 }, 0, 0, 2, 2, 0, 0, 2, 2);
        byte[] onnx = g.node("Pad", List.of("x", "pads"), List.of("p")).node("Conv", List.of("p", "w"), List.of("y"))
            .output("y", null, 1L, null, null).build("test", "");
        assertEquals(5, MinimumInputSide.of(onnx).side());
    }

    /**
     * A classifier head (GlobalAveragePool, Flatten) is not followed but leaves no layer unchecked; a Reshape before a conv
     * leaves that conv unchecked: the stem before it still counts (Conv k5 valid: s >= 5).
     */
    @Test
    public void operatorsThatCannotBeFollowedAreReported() {
        OnnxGraphWriter head = graph("head");
        weight(head, "w", 2, 3, 3);
        MinimumInputSide classifier = MinimumInputSide.of(head.node("Conv", List.of("x", "w"), List.of("c"))
            .node("Relu", List.of("c"), List.of("r")).node("GlobalAveragePool", List.of("r"), List.of("g"))
            .node("Flatten", List.of("g"), List.of("y")).output("y", null, 2L).build("test", ""));
        assertEquals(3, classifier.side());
        assertEquals(Set.of("Flatten"), classifier.unfollowed());
        assertEquals(0, classifier.uncheckedLayers());

        MinimumInputSide r = MinimumInputSide.of(reshapedGraph());
        assertEquals(5, r.side());
        assertEquals(Set.of("Reshape"), r.unfollowed());
        assertEquals(1, r.uncheckedLayers());
    }

    /** Conv k5 valid (3 channels), a Reshape, Conv k3: the second conv's input is not followed; minimum 5 from the first. */
    public static byte[] reshapedGraph() {
        OnnxGraphWriter reshaped = graph("reshape");
        weight(reshaped, "w5", 3, 3, 5);
        weight(reshaped, "w3", 1, 3, 3);
        reshaped.int64Initializer("shape", new long[] { 4 }, 0, 3, -1, 2);
        return reshaped.node("Conv", List.of("x", "w5"), List.of("c"))
            .node("Reshape", List.of("c", "shape"), List.of("s")).node("Conv", List.of("s", "w3"), List.of("y"))
            .output("y", null, 1L, null, null).build("test", "");
    }

    @Test
    public void bytesThatAreNotAGraphGiveOne() {
        assertEquals(1, MinimumInputSide.of(new byte[] { 1, 2, 3 }).side());
        assertEquals(1, MinimumInputSide.of("not really onnx: 30 test bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8)).side());
    }

    /** Found empirically last session (NsfwjsInceptionV3Test runs 43 x 43; 42 aborts ONNX Runtime), and NsfwjsInceptionV3Test.side. */
    @Test
    public void theBuiltInDefaultNeeds43() {
        MinimumInputSide inception = MinimumInputSide.of(NsfwjsInceptionV3.onnx());
        assertEquals(43, inception.side());
        assertEquals(NsfwjsInceptionV3Test.MIN_SIDE, inception.side());
        assertEquals(0, inception.uncheckedLayers());
        assertEquals(0, NsfwjsInceptionV3Test.side(42));
        assertEquals(1, NsfwjsInceptionV3Test.side(43));
    }

    /**
     * filter_bank (DefaultModel): Conv k7 s2 p3, c = floor((s - 1) / 2) + 1; MaxPool k3 s2 p1, m = floor((c - 1) / 2) + 1;
     * a 1x1 conv; AveragePool k2 s2 needs m >= 2, so c >= 3, so s >= 5. nsfwjs_mobilenet_v2: 16, as docs/api.md has said
     * since it shipped (ONNX Runtime ran 16 x 16 and refused 15 x 15 with "Invalid input shape" when tried by hand).
     */
    @Test
    public void theOtherBuiltInModels() {
        assertEquals(5, MinimumInputSide.of(DefaultModel.onnx()).side());
        assertEquals(16, MinimumInputSide.of(NsfwjsMobileNetV2.onnx()).side());
        assertEquals(0, MinimumInputSide.of(NsfwjsMobileNetV2.onnx()).uncheckedLayers());
    }
}
