package io.airssys.rt.actor;

/** What an actor does after one of its handlers threw (see {@link Actor#onFailure}). */
public enum Directive {
    /** Keep the actor and its state; process the next message. The default. */
    RESUME,
    /**
     * Replace the actor: {@code postStop} on the old instance, a fresh instance from the
     * behavior's factory, {@code preStart} on it; queued messages are kept.
     */
    RESTART,
    /** Stop the actor: it is unregistered and queued messages fail with {@code ACTOR_STOPPED}. */
    STOP
}
