package org.instanceretrieval.demo.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Uploads a user's ONNX file to the model store in parts of {@link DemoMain#PART_SIZE} bytes, replacing an
 * earlier upload of the same id: {@code PUT _retrieval/model/{id}} with the given configuration (default:
 * feature map, longest side 1024, GeM p 3), then {@code PUT .../definition/{part}} with the whole file's SHA-256.
 */
final class ModelUpload {

    private ModelUpload() {}

    /**
     * @param progress called with (parts done, total parts) after each part
     * @return the model's state after the last part ({@code ready} when the node accepted it)
     */
    static Object upload(EsClient es, String modelId, Path onnxFile, Path configFile, BiConsumer<Integer, Integer> progress)
        throws IOException {
        byte[] onnx = Files.readAllBytes(onnxFile);
        Object config = configFile != null
            ? EsClient.JSON.readValue(configFile.toFile(), Map.class)
            : Map.of("description", "uploaded by the demo from " + onnxFile.getFileName(),
                "input", Map.of("size", Map.of("longest_side", 1024)),
                "output", Map.of("kind", "feature_map"),
                "recipe", Map.of("pooling", Map.of("type", "gem", "p", 3)));
        es.deleteIfExists("_retrieval/model/" + modelId);
        es.put("_retrieval/model/" + modelId, config);
        int parts = Math.max(1, (onnx.length + DemoMain.PART_SIZE - 1) / DemoMain.PART_SIZE);
        String sha = sha256(onnx);
        Map<String, Object> last = Map.of();
        for (int p = 0; p < parts; p++) {
            int from = p * DemoMain.PART_SIZE, to = Math.min(onnx.length, from + DemoMain.PART_SIZE);
            byte[] part = java.util.Arrays.copyOfRange(onnx, from, to);
            last = es.put("_retrieval/model/" + modelId + "/definition/" + p, Map.of(
                "definition", Base64.getEncoder().encodeToString(part), "total_parts", parts,
                "total_definition_length", onnx.length, "sha256", sha));
            progress.accept(p + 1, parts);
        }
        return last.get("state");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
