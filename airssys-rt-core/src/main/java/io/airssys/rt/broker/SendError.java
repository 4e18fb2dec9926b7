package io.airssys.rt.broker;

/**
 * Why a message was not delivered or not answered; carried by {@link SendException}. The names
 * are stable and can be switched on.
 */
public enum SendError {
    /** No actor is registered under the target id. */
    ACTOR_NOT_FOUND,
    /**
     * The actor stopped (it was unregistered, it chose to stop, or the broker closed) before it
     * processed the message.
     */
    ACTOR_STOPPED,
    /** The actor's bounded mailbox was at capacity. */
    MAILBOX_FULL,
    /** No result arrived within the send's timeout; a message not yet started is then skipped. */
    TIMEOUT
}
