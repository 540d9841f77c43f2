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
        throw new ImageDecodingException("unsupported image format: expected JPEG or PNG data, found "
            + (data.length == 0 ? "no data" : "a file starting with bytes " + hexPrefix(data)));
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
