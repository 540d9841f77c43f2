package org.instanceretrieval.model.image;

/** The encodings the decoder accepts, recognised by their magic bytes (never by a file name). */
public enum ImageFormat {
    JPEG(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF }),
    PNG(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' });

    private final byte[] magic;

    ImageFormat(byte[] magic) {
        this.magic = magic;
    }

    /** The format whose magic bytes start {@code data}. */
    public static ImageFormat detect(byte[] data) {
        for (ImageFormat format : values()) {
            if (startsWith(data, format.magic)) {
                return format;
            }
        }
        String known = knownUnsupportedFormat(data);
        throw new ImageDecodingException("unsupported image format: expected JPEG or PNG data, found "
            + (data.length == 0 ? "no data" : known != null ? known + " data" : "data starting with bytes " + hexPrefix(data)));
    }

    /** Names the common formats we do not decode, so users see "GIF" rather than bytes. */
    private static String knownUnsupportedFormat(byte[] data) {
        if (startsWith(data, ascii("GIF87a")) || startsWith(data, ascii("GIF89a"))) {
            return "GIF";
        }
        if (startsWith(data, ascii("RIFF")) && data.length >= 12 && new String(data, 8, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("WEBP")) {
            return "WebP";
        }
        if (startsWith(data, ascii("BM"))) {
            return "BMP";
        }
        if (startsWith(data, new byte[] { 'I', 'I', 42, 0 }) || startsWith(data, new byte[] { 'M', 'M', 0, 42 })) {
            return "TIFF";
        }
        if (data.length >= 12 && new String(data, 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("ftyp")) {
            String brand = new String(data, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            return brand.startsWith("hei") || brand.startsWith("mif") ? "HEIF" : brand.startsWith("avi") ? "AVIF" : null;
        }
        return null;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexPrefix(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, data.length); i++) {
            sb.append(String.format(java.util.Locale.ROOT, "%02x", data[i] & 0xFF));
        }
        return "[" + sb + "]";
    }
}
