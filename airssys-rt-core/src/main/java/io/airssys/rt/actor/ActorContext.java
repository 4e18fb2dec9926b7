package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.MessageBroker;

import java.util.Map;
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
     * Returns the headers the sender of the message being processed gave in its
     * {@link io.airssys.rt.broker.SendOptions} (trace context, correlation ids). Read them in
     * the handler itself: a continuation that runs later sees the headers of whatever message
     * the actor processes then (capture the map instead).
     *
     * @return an unmodifiable map, empty if none or outside a handler
     */
    Map<String, String> headers();

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
     * Sends a message to another actor with options (timeout, priority, headers).
     *
     * @param target  the receiver
     * @param message the message
     * @param options see {@link io.airssys.rt.broker.SendOptions}
     * @param <R>     the result type
     * @return a future of the result
     */
    default <R> CompletableFuture<R> send(ActorId target, Message<R> message,
                                          io.airssys.rt.broker.SendOptions options) {
        return broker().send(target, message, options);
    }

    /**
     * Stops this actor: it is unregistered at once and its queued messages fail with
     * {@link io.airssys.rt.broker.SendError#ACTOR_STOPPED}; the message being processed
     * finishes, then {@link Actor#postStop} runs. Safe from any thread (a later-reply
     * continuation too).
     */
    void stop();
}
