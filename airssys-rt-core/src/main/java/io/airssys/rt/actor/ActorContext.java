package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.MessageBroker;

import java.util.concurrent.CompletableFuture;

/**
 * What a running actor knows about itself. Valid only inside the actor's own callbacks.
 */
public interface ActorContext {

    /**
     * Returns this actor's id.
     *
     * @return the id it is registered under
     */
    ActorId self();

    /**
     * Returns the broker this actor is registered with.
     *
     * @return the broker
     */
    MessageBroker broker();

    /**
     * Sends a message to another actor. Never wait for the result inside a handler on a
     * platform-thread executor; chain on the future or return it with {@link Handled#replyLater}.
     *
     * @param target  the receiver
     * @param message the message
     * @param <R>     the result type
     * @return a future of the result
     */
    default <R> CompletableFuture<R> send(ActorId target, Message<R> message) {
        return broker().send(target, message);
    }

    /**
     * Sends a fire-and-forget message to another actor.
     *
     * @param target  the receiver
     * @param message the message
     */
    default void trySend(ActorId target, Message<Void> message) {
        broker().trySend(target, message);
    }

    /**
     * Stops this actor once the current message is processed: it is unregistered, queued
     * messages fail with {@link io.airssys.rt.broker.SendError#ACTOR_STOPPED}, then
     * {@link Actor#postStop} runs.
     */
    void stop();
}
