package io.airssys.rt.broker;

import io.airssys.rt.ActorId;

import java.io.Serial;
import java.util.Objects;

/**
 * The message was delivered and the actor's handler failed: it threw, or the stage it returned
 * completed exceptionally. Distinct from {@link SendException} and {@link BrokerException},
 * which say the message never got (or never got answered) that far.
 *
 * <p>In one JVM {@link #getCause()} is the handler's own throwable. The cause's class name and
 * message are also kept as strings ({@link #causeClassName()}, {@link #causeMessage()}), so a
 * broker that carries the failure to another JVM can rebuild this exception with
 * {@link #ActorFailedException(ActorId, String, String, String)} without the cause's class.
 *
 * <p>The exception has no stack trace of its own: it is made inside the broker, whose frames say
 * nothing; the cause carries the handler's stack.
 */
public final class ActorFailedException extends DeliveryException {

    /** The {@link #code()} of every handler failure. */
    public static final String CODE = "ACTOR_FAILED";

    @Serial
    private static final long serialVersionUID = 1L;

    /** The failed message's type name, as {@link #messageType()} returns it. */
    private final String messageType;
    /** The handler's throwable's class name, as {@link #causeClassName()} returns it. */
    private final String causeClassName;
    /** The handler's throwable's message, as {@link #causeMessage()} returns it. */
    private final String causeMessage;

    /**
     * Wraps a handler's failure.
     *
     * @param actorId     the actor whose handler failed
     * @param messageType the simple name of the message's class
     * @param cause       what the handler threw, or how its stage failed
     */
    public ActorFailedException(ActorId actorId, String messageType, Throwable cause) {
        this(actorId, messageType, Objects.requireNonNull(cause, "cause").getClass().getName(), cause.getMessage(),
                cause);
    }

    /**
     * Rebuilds a handler failure that happened elsewhere (another JVM), from strings only;
     * {@link #getCause()} is then {@code null}.
     *
     * @param actorId        the actor whose handler failed
     * @param messageType    the simple name of the message's class
     * @param causeClassName the fully qualified class name of what the handler threw
     * @param causeMessage   its message, or {@code null}
     */
    public ActorFailedException(ActorId actorId, String messageType, String causeClassName, String causeMessage) {
        this(actorId, messageType, causeClassName, causeMessage, null);
    }

    private ActorFailedException(ActorId actorId, String messageType, String causeClassName, String causeMessage,
                                 Throwable cause) {
        super(CODE + ": " + actorId + " failed on " + messageType + ": "
                + Objects.requireNonNull(causeClassName, "causeClassName")
                + (causeMessage == null ? "" : ": " + causeMessage), cause, actorId, false);
        this.messageType = messageType;
        this.causeClassName = causeClassName;
        this.causeMessage = causeMessage;
    }

    @Override
    public String code() {
        return CODE;
    }

    /**
     * Returns the simple class name of the message the handler failed on.
     *
     * @return the message type
     */
    public String messageType() {
        return messageType;
    }

    /**
     * Returns the fully qualified class name of what the handler threw.
     *
     * @return the cause's class name
     */
    public String causeClassName() {
        return causeClassName;
    }

    /**
     * Returns the message of what the handler threw.
     *
     * @return the cause's message, or {@code null} if it had none
     */
    public String causeMessage() {
        return causeMessage;
    }
}
