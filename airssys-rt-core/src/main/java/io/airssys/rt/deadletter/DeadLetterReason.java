package io.airssys.rt.deadletter;

/** Why a message was not delivered. */
public enum DeadLetterReason {
    /** No actor was registered under the target id. */
    ACTOR_NOT_FOUND,
    /** The actor stopped (unregistered, stopped itself, broker closed) with the message queued. */
    ACTOR_STOPPED,
    /** The bounded mailbox was full: the message was refused or dropped on arrival. */
    MAILBOX_FULL,
    /** The message waited in a full {@code DROP_OLDEST} mailbox and was evicted for a newer one. */
    EVICTED,
    /** Its timeout passed before the actor started it; it was skipped. */
    TIMED_OUT,
    /** Its sender cancelled the future before the actor started it; it was skipped. */
    CANCELLED,
    /** It was sent to a topic that no actor subscribes to. */
    NO_SUBSCRIBER,
    /** The receiving actor has no handler for the message's type. */
    UNHANDLED,
    /**
     * It came from another node and could not be decoded here (its type is not registered with
     * this node's codec, or its bytes are malformed); the dead letter's message is a placeholder
     * that names the type. Only a broker that spans JVMs reports it.
     */
    UNDECODABLE
}
