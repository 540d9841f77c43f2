package org.instanceretrieval.model.inference;

import java.util.Locale;

/** Where ONNX Runtime runs a model. */
public enum Device {
    /** CUDA when this ONNX Runtime build and the machine have it, else CPU with one logged warning. */
    AUTO,
    /** Always the CPU execution provider. */
    CPU,
    /** The CUDA execution provider; loading fails with a clear error when it is not available. */
    CUDA;

    /** The lower-case name used in settings and stats. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the option and its accepted values */
    public static Device fromId(String id) {
        for (Device d : values()) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown [device] [" + id + "], expected one of [auto, cpu, cuda]");
    }
}
