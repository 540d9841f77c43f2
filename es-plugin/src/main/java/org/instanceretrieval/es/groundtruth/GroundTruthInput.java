package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.format.GroundTruthFormat;
import org.instanceretrieval.eval.format.GroundTruthJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns the {@code format} and {@code data} (or {@code path}) of a PUT into a
 * {@link NamedGroundTruth}: decodes inline data (a JSON object, array or string, base64 for the
 * binary formats) or reads a file under the node's config directory, then runs the format's
 * parser. Every problem is an {@link IllegalArgumentException} (400) naming it.
 */
public final class GroundTruthInput {

    /** Largest file read through {@code path}. */
    public static final long MAX_FILE_BYTES = 256L << 20;

    private final Path configDir;

    /** @param configDir the node's config directory; {@code path} must stay inside it */
    public GroundTruthInput(Path configDir) {
        this.configDir = configDir.toAbsolutePath().normalize();
    }

    /**
     * Parses a ground truth.
     *
     * @param format the format's name
     * @param data inline data as parsed from the request's JSON (Map, List or String), or null
     * @param path a path relative to the config directory, or null; exactly one of data and path
     * @param protocol a protocol overriding the format's, or null
     */
    public NamedGroundTruth parse(String format, Object data, String path, String protocol) throws IOException {
        GroundTruthFormat f = GroundTruthFormat.fromId(format);
        if ((data == null) == (path == null)) {
            throw new IllegalArgumentException("give exactly one of [data] (inline) and [path] (a file under the config directory)");
        }
        if (protocol != null && NamedGroundTruth.PROTOCOLS.contains(protocol) == false) {
            throw new IllegalArgumentException("unknown [protocol] [" + protocol + "], expected one of " + NamedGroundTruth.PROTOCOLS);
        }
        String effectiveProtocol = protocol != null ? protocol : f.defaultProtocol();
        try {
            return switch (f) {
                case JSON -> GroundTruthJson.fromMap(path != null ? jsonFile(resolve(path)) : object(data, f), effectiveProtocol);
                default -> throw new IllegalArgumentException("format [" + f.id() + "] is not supported yet");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid [" + f.id() + "] ground truth: " + e.getMessage(), e);
        }
    }

    /**
     * The file a {@code path} names, refusing absolute paths and any path (also through a
     * symbolic link) that leaves the config directory.
     */
    Path resolve(String path) throws IOException {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("[path] must not be empty");
        }
        Path relative = configDir.getFileSystem().getPath(path);
        if (relative.isAbsolute()) {
            throw new IllegalArgumentException("[path] [" + path + "] must be relative to the config directory");
        }
        Path resolved = configDir.resolve(relative).normalize();
        if (resolved.startsWith(configDir) == false) {
            throw new IllegalArgumentException("[path] [" + path + "] escapes the config directory");
        }
        Path real;
        try {
            real = resolved.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("[path] [" + path + "] does not exist in the config directory");
        }
        if (real.startsWith(configDir.toRealPath()) == false) {
            throw new IllegalArgumentException("[path] [" + path + "] escapes the config directory");
        }
        return real;
    }

    static byte[] readFile(Path file) throws IOException {
        if (Files.isRegularFile(file) == false) {
            throw new IllegalArgumentException("[path] [" + file.getFileName() + "] is not a regular file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("[path] [" + file.getFileName() + "] has " + size + " bytes, more than the limit " + MAX_FILE_BYTES);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        }
    }

    static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes))
                .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8 text");
        }
    }

    private static Map<String, Object> jsonFile(Path file) throws IOException {
        byte[] bytes = readFile(file);
        try {
            return XContentHelper.convertToMap(XContentType.JSON.xContent(), bytes, 0, bytes.length, true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("[path] [" + file.getFileName() + "] is not a JSON object: " + e.getMessage());
        }
    }

    private static Map<?, ?> object(Object data, GroundTruthFormat f) {
        if (data instanceof Map<?, ?> map) {
            return map;
        }
        throw new IllegalArgumentException("[data] must be a JSON object for format [" + f.id() + "]");
    }

    /** Inline bytes: a base64 string. */
    static byte[] base64(Object data, GroundTruthFormat f) {
        if (data instanceof String s) {
            try {
                return Base64.getMimeDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[data] is not valid base64: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("[data] must be a base64 string for format [" + f.id() + "]");
    }

    /** Image names: an array of strings or one string with a name per line (blank lines skipped). */
    static List<String> names(Object data) {
        if (data instanceof String s) {
            return lines(s);
        }
        if (data instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String == false) {
                    throw new IllegalArgumentException("[data] must be an array of image names (strings), got element [" + o + "]");
                }
            }
            @SuppressWarnings("unchecked")
            List<String> strings = (List<String>) list;
            return strings;
        }
        throw new IllegalArgumentException("[data] must be an array of image names or a string with one name per line");
    }

    static List<String> lines(String text) {
        return Arrays.stream(text.split("\\r?\\n")).map(String::strip).filter(l -> l.isEmpty() == false).toList();
    }
}
