package org.instanceretrieval.es.groundtruth;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.elasticsearch.common.settings.Setting;
import org.instanceretrieval.eval.format.CirtorchPickle;
import org.instanceretrieval.eval.format.ExpansionBudget;
import org.instanceretrieval.memory.Reservation;
import org.instanceretrieval.eval.format.Gldv2SolutionCsv;
import org.instanceretrieval.eval.format.GroundTruthFormat;
import org.instanceretrieval.eval.format.GroundTruthJson;
import org.instanceretrieval.eval.format.ImageNameGroundTruth;
import org.instanceretrieval.eval.format.OxfordGtFiles;
import org.instanceretrieval.eval.format.RevisitopPickle;

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
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns the {@code format} and {@code data} (or {@code path}) of a PUT into a
 * {@link NamedGroundTruth}: decodes inline data (a JSON object, array or string, base64 for the
 * binary formats) or reads a file under the node's config directory, then runs the format's
 * parser. Every problem is an {@link IllegalArgumentException} (400) naming it.
 */
public final class GroundTruthInput {

    /** Largest file read through {@code path}. */
    public static final long MAX_FILE_BYTES = 256L << 20;

    /**
     * The most names a pickle ground truth may expand to (its positive, easy, hard and junk lists, each reference to a shared
     * list counted again). Node setting, static.
     */
    public static final Setting<Integer> MAX_NAMES = Setting.intSetting("retrieval.ground_truth.max_names", 2_000_000, 1,
        Setting.Property.NodeScope);

    private final Path configDir;
    private final int maxNames;

    /**
     * @param configDir the node's config directory; {@code path} must stay inside it
     * @param maxNames  the most names a pickle may expand to ({@link #MAX_NAMES})
     */
    public GroundTruthInput(Path configDir, int maxNames) {
        this.configDir = configDir.toAbsolutePath().normalize();
        this.maxNames = maxNames;
    }

    /**
     * Parses a ground truth.
     *
     * @param format the format's name
     * @param data inline data as parsed from the request's JSON (Map, List or String), or null
     * @param path a path relative to the config directory, or null; exactly one of data and path
     * @param protocol a protocol overriding the format's, or null
     * @param memory charged as pickle lists are expanded (see {@link ExpansionBudget}); the caller closes it
     */
    public NamedGroundTruth parse(String format, Object data, String path, String protocol, Reservation memory) throws IOException {
        GroundTruthFormat f = GroundTruthFormat.fromId(format);
        if ((data == null) == (path == null)) {
            throw new IllegalArgumentException("give exactly one of [data] (inline) and [path] (a file under the config directory)");
        }
        if (protocol != null && NamedGroundTruth.PROTOCOLS.contains(protocol) == false) {
            throw new IllegalArgumentException("unknown [protocol] [" + protocol + "], expected one of " + NamedGroundTruth.PROTOCOLS);
        }
        try {
            return switch (f) {
                case JSON -> GroundTruthJson.fromMap(path != null ? jsonFile(resolve(path)) : object(data, f), protocol);
                case CIRTORCH_PKL -> CirtorchPickle.parse(bytes(data, path, f), protocol, expansion(memory));
                case REVISITOP_PKL -> RevisitopPickle.parse(bytes(data, path, f), protocol, expansion(memory));
                case OXFORD_GT_FILES -> OxfordGtFiles.parse(path != null ? directory(resolve(path)) : files(data), protocol);
                case GPR1200 -> ImageNameGroundTruth.gpr1200(imageNames(data, path), protocol);
                case UKBENCH -> ImageNameGroundTruth.ukbench(imageNames(data, path), protocol);
                case HOLIDAYS -> ImageNameGroundTruth.holidays(imageNames(data, path), protocol);
                case GLDV2_CSV -> Gldv2SolutionCsv.parse(text(data, path, f), protocol);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid [" + f.id() + "] ground truth: " + e.getMessage(), e);
        }
    }

    private ExpansionBudget expansion(Reservation memory) {
        return new ExpansionBudget(maxNames, MAX_NAMES.getKey(), memory);
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

    private byte[] bytes(Object data, String path, GroundTruthFormat f) throws IOException {
        return path != null ? readFile(resolve(path)) : base64(data, f);
    }

    private String text(Object data, String path, GroundTruthFormat f) throws IOException {
        if (path != null) {
            return utf8(readFile(resolve(path)), "[path] [" + path + "]");
        }
        if (data instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("[data] must be a string (the file's text) for format [" + f.id() + "]");
    }

    private List<String> imageNames(Object data, String path) throws IOException {
        return path != null ? lines(utf8(readFile(resolve(path)), "[path] [" + path + "]")) : names(data);
    }

    /** Inline Oxford files: an object of file name to text. */
    private static Map<String, String> files(Object data) {
        if (data instanceof Map<?, ?> map) {
            Map<String, String> files = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() instanceof String text) {
                    files.put((String) e.getKey(), text);
                } else {
                    throw new IllegalArgumentException("[data] [" + e.getKey() + "] must be the file's text (a string)");
                }
            }
            return files;
        }
        throw new IllegalArgumentException("[data] must be an object of file name to text for format [oxford_gt_files]");
    }

    /** The Oxford ground-truth files of a directory (not its subdirectories); other files are ignored. */
    private static Map<String, String> directory(Path dir) throws IOException {
        if (Files.isDirectory(dir) == false) {
            throw new IllegalArgumentException("[path] [" + dir.getFileName() + "] must be a directory of *_good/ok/junk/query.txt files");
        }
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path file : entries.toList()) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && OxfordGtFiles.isGroundTruthFile(name)) {
                    files.put(name, utf8(readFile(file), "[" + name + "]"));
                }
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("[path] [" + dir.getFileName() + "] holds no *_good/ok/junk/query.txt files");
        }
        return files;
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
                // Line breaks (as base64 tools wrap) are allowed; any other non-alphabet character is an error.
                return Base64.getDecoder().decode(s.replaceAll("\\s+", ""));
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
