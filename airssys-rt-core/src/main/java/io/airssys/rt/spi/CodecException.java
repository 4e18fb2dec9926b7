package io.airssys.rt.spi;

import java.io.Serial;
import java.util.Objects;

/**
 * A value could not be encoded or decoded by a {@link MessageCodec}. {@link #reason()} says
 * why and {@link #typeName()} names the type concerned. A broker that meets one on a send
 * fails the send with a {@link io.airssys.rt.broker.BrokerException} of
 * {@link io.airssys.rt.broker.BrokerError#CODEC_FAILED} whose cause is this exception.
 */
public final class CodecException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Why a value did not cross. */
    public enum Reason {
        /** The type is not on the codec's allow-list ({@link MessageTypes}): register it on every node. */
        UNKNOWN_TYPE,
        /** The value's type is registered, but the codec could not write it. */
        ENCODE_FAILED,
        /** The bytes do not decode to a value of the named type. */
        DECODE_FAILED,
        /** The encoded value exceeds the transport's size limit. */
        TOO_LARGE
    }

    /** Why the codec failed, as {@link #reason()} returns it. */
    private final Reason reason;
    /** The type or wire name concerned. */
    private final String typeName;

    /**
     * Creates the exception.
     *
     * @param reason   why
     * @param typeName the type concerned (a registered name, or a class name for an unknown type)
     * @param detail   a sentence saying what was wrong and what to do about it
     * @param cause    the underlying exception, or {@code null}
     */
    public CodecException(Reason reason, String typeName, String detail, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + " (" + typeName + "): " + detail, cause);
        this.reason = reason;
        this.typeName = typeName;
    }

    /**
     * Returns why the value did not cross.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns the type concerned: its registered name, or its class name if it has none.
     *
     * @return the type name
     */
    public String typeName() {
        return typeName;
    }
}
