package io.airssys.rt.broker;

import io.airssys.rt.ActorId;

import java.io.Serial;
import java.util.Objects;

/**
 * A broker operation failed; {@link #error()} says how and the message names the actor.
 * {@link BrokerError#BROKER_CLOSED} is the one signal for "the broker is closed", whichever
 * method saw it (see {@link #isBrokerClosed()}).
 */
public final class BrokerException extends DeliveryException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** What went wrong, as {@link #error()} returns it. */
    private final BrokerError error;
    /** The text after the error code, without it. */
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param error   what went wrong
     * @param actorId the actor concerned, or {@code null} if none
     * @param detail  a sentence naming what was wrong and, if known, what to do about it
     */
    public BrokerException(BrokerError error, ActorId actorId, String detail) {
        this(error, actorId, detail, null);
    }

    /**
     * Creates the exception with an underlying cause (for example the
     * {@link io.airssys.rt.spi.CodecException} of a {@link BrokerError#CODEC_FAILED}).
     *
     * @param error   what went wrong
     * @param actorId the actor concerned, or {@code null} if none
     * @param detail  a sentence naming what was wrong and, if known, what to do about it
     * @param cause   the underlying exception, or {@code null}
     */
    public BrokerException(BrokerError error, ActorId actorId, String detail, Throwable cause) {
        super(Objects.requireNonNull(error, "error") + ": " + detail, cause, actorId, true);
        this.error = error;
        this.detail = detail;
    }

    /**
     * Returns what went wrong.
     *
     * @return the error code
     */
    public BrokerError error() {
        return error;
    }

    @Override
    public String code() {
        return error.name();
    }

    @Override
    public boolean isBrokerClosed() {
        return error == BrokerError.BROKER_CLOSED;
    }

    /**
     * Returns the sentence that says what was wrong, without the error code the message text
     * adds (what a codec carries to another JVM).
     *
     * @return the detail
     */
    public String detail() {
        return detail;
    }
}
