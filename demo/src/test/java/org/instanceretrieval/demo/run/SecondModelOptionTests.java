package org.instanceretrieval.demo.run;

import org.junit.Test;

import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

/** {@code --model} given twice asks for the ensemble rows; a third time is refused. */
public class SecondModelOptionTests {

    @Test
    public void aSecondModelIsKeptApart() {
        DemoOptions one = DemoOptions.parse(new String[] { "--model", "a.onnx" });
        assertEquals(Path.of("a.onnx"), one.model());
        assertNull(one.secondModel());
        DemoOptions two = DemoOptions.parse(new String[] { "--model", "a.onnx", "--model-config", "a.json", "--model", "b.onnx" });
        assertEquals(Path.of("a.onnx"), two.model());
        assertEquals(Path.of("a.json"), two.modelConfig());
        assertEquals(Path.of("b.onnx"), two.secondModel());
    }

    @Test
    public void aThirdModelIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DemoOptions.parse(new String[] { "--model", "a.onnx", "--model", "b.onnx", "--model", "c.onnx" }));
        assertTrue(e.getMessage(), e.getMessage().startsWith("--model is given at most twice (a second model adds ensemble rows)"));
    }
}
