package org.instanceretrieval.model.image;

/**
 * An image that cannot be turned into pixels: unsupported format, corrupt or truncated data,
 * or more pixels than allowed. The message names the problem; callers report it as a 4xx
 * error on the offending document.
 */
public class ImageDecodingException extends IllegalArgumentException {
    public ImageDecodingException(String message) {
        super(message);
    }

    public ImageDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
