package io.airssys.rt.broker;

import io.airssys.rt.ActorId;

import java.io.Serial;
import java.util.Objects;

/**
 * A message was not delivered or not answered. {@link #error()} says why; the message text
 * names the target actor, the message type and the likely cause, for example
 * {@code "MAILBOX_FULL: actor-7 did not accept GetBalance: its bounded mailbox holds 1000 messages"}.
 *
 * <p>Returned futures complete exceptionally with this exception; {@code trySend} throws it.
 * A {@link SendError#MAILBOX_FULL} rejection is stackless: backpressure is an expected,
 * frequent outcome, and filling in a stack trace would cost more than the send itself.
 */
public final class SendException extends DeliveryException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** What went wrong, as {@link #error()} returns it. */
    private final SendError error;
    /** The type name of the message that was not delivered. */
    private final String messageType;
    /** The text after the error code, without it. */
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param error       why the message was not delivered or answered
     * @param actorId     the target actor
     * @param messageType the simple name of the message's class
     * @param detail      the cause, as a sentence fragment (e.g. "its bounded mailbox holds 1000 messages")
     * @param cause       an underlying exception, or {@code null}
     */
    public SendException(SendError error, ActorId actorId, String messageType, String detail, Throwable cause) {
        this(error, actorId, messageType, detail, cause, true);
    }

    /**
     * Creates the exception, with or without a stack trace.
     *
     * @param error              why the message was not delivered or answered
     * @param actorId            the target actor
     * @param messageType        the simple name of the message's class
     * @param detail             the cause, as a sentence fragment
     * @param cause              an underlying exception, or {@code null}
     * @param writableStackTrace {@code false} for a stackless exception (the broker's
     *                           {@code MAILBOX_FULL} rejections)
     */
    public SendException(SendError error, ActorId actorId, String messageType, String detail, Throwable cause,
                         boolean writableStackTrace) {
        super(Objects.requireNonNull(error, "error") + ": " + actorId + " did not " + verb(error) + " "
                + messageType + ": " + detail, cause, actorId, writableStackTrace);
        this.error = error;
        this.messageType = messageType;
        this.detail = detail;
    }

    private static String verb(SendError error) {
        return switch (error) {
            case ACTOR_NOT_FOUND -> "receive";
            case ACTOR_STOPPED -> "process";
            case MAILBOX_FULL -> "accept";
            case TIMEOUT -> "answer";
        };
    }

    /**
     * Returns why the message was not delivered or answered.
     *
     * @return the error code
     */
    public SendError error() {
        return error;
    }

    @Override
    public String code() {
        return error.name();
    }

    /**
     * Returns the simple class name of the message that was not delivered.
     *
     * @return the message type
     */
    public String messageType() {
        return messageType;
    }

    /**
     * Returns the cause as the sender described it, without the error code, actor and type
     * the message text adds (what a codec carries to another JVM).
     *
     * @return the detail fragment
     */
    public String detail() {
        return detail;
    }
}
