package org.instanceretrieval.es.diffusion;

import org.instanceretrieval.diffusion.OfflineDiffusion;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One offline diffusion build as stored: the options it was built with, the {@code _id} of each
 * graph node (node order = the build's order, {@code _id} ascending) and the offline rows.
 * Bytes: {@code "RDIF"}, version 1, k, gamma, alpha, n, then per node its UTF-8 {@code _id},
 * then per row its length, ids and float values. Immutable.
 */
public final class OfflineDiffusionData {

    private static final int MAGIC = 0x52444946; // "RDIF"
    private static final int VERSION = 1;

    private final int k;
    private final double gamma;
    private final double alpha;
    private final String[] docIds;
    private final OfflineDiffusion rows;
    private final Map<String, Integer> nodeOf;

    public OfflineDiffusionData(int k, double gamma, double alpha, String[] docIds, OfflineDiffusion rows) {
        if (docIds.length != rows.size()) {
            throw new IllegalArgumentException("[" + docIds.length + "] document ids for [" + rows.size() + "] offline rows");
        }
        this.k = k;
        this.gamma = gamma;
        this.alpha = alpha;
        this.docIds = docIds.clone();
        this.rows = rows;
        this.nodeOf = new HashMap<>();
        for (int i = 0; i < docIds.length; i++) {
            nodeOf.put(docIds[i], i);
        }
    }

    public int k() {
        return k;
    }

    public double gamma() {
        return gamma;
    }

    public double alpha() {
        return alpha;
    }

    public int size() {
        return docIds.length;
    }

    public OfflineDiffusion rows() {
        return rows;
    }

    /** The graph node of the document, or -1 when the build does not hold it (added after the build). */
    public int nodeOf(String docId) {
        Integer node = nodeOf.get(docId);
        return node == null ? -1 : node;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(k);
            out.writeDouble(gamma);
            out.writeDouble(alpha);
            out.writeInt(docIds.length);
            for (String id : docIds) {
                byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            for (int i = 0; i < docIds.length; i++) {
                int[] ids = rows.rowIds(i);
                float[] values = rows.rowValues(i);
                out.writeInt(ids.length);
                for (int id : ids) {
                    out.writeInt(id);
                }
                for (float v : values) {
                    out.writeFloat(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes are not a version-1 build */
    public static OfflineDiffusionData fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IllegalArgumentException("not an offline diffusion build of version [" + VERSION + "]");
            }
            int k = in.readInt();
            double gamma = in.readDouble();
            double alpha = in.readDouble();
            int n = in.readInt();
            String[] docIds = new String[n];
            for (int i = 0; i < n; i++) {
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                docIds[i] = new String(utf8, StandardCharsets.UTF_8);
            }
            int[][] ids = new int[n][];
            float[][] values = new float[n][];
            for (int i = 0; i < n; i++) {
                int m = in.readInt();
                ids[i] = new int[m];
                values[i] = new float[m];
                for (int t = 0; t < m; t++) {
                    ids[i][t] = in.readInt();
                }
                for (int t = 0; t < m; t++) {
                    values[i][t] = in.readFloat();
                }
            }
            return new OfflineDiffusionData(k, gamma, alpha, docIds, OfflineDiffusion.fromRows(ids, values));
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt offline diffusion build: " + e.getMessage(), e);
        }
    }
}
