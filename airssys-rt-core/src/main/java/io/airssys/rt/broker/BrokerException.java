package io.airssys.rt.broker;

import io.airssys.rt.ActorId;

import java.io.Serial;
import java.util.Objects;

/**
 * A broker operation failed; {@link #error()} says how and the message names the actor.
 */
public final class BrokerException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final BrokerError error;
    private final transient ActorId actorId;

    /**
     * Creates the exception.
     *
     * @param error   what went wrong
     * @param actorId the actor concerned, or {@code null} if none
     * @param detail  a sentence naming what was wrong and, if known, what to do about it
     */
    public BrokerException(BrokerError error, ActorId actorId, String detail) {
        super(error + ": " + detail);
        this.error = Objects.requireNonNull(error, "error");
        this.actorId = actorId;
    }

    /**
     * Returns what went wrong.
     *
     * @return the error code
     */
    public BrokerError error() {
        return error;
    }

    /**
     * Returns the actor concerned.
     *
     * @return the actor id, or {@code null} if the failure concerned no single actor
     */
    public ActorId actorId() {
        return actorId;
    }
}
