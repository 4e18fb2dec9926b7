package io.airssys.rt.actor;

import io.airssys.rt.Message;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * An actor's answer to one message. The factories take the message itself so that the
 * compiler checks the answer against the message's result type:
 * {@code Handled.reply(getBalance, 12.5)} compiles only if {@code getBalance} is a
 * {@code Message<Double>}.
 */
public final class Handled {

    private static final Handled DONE = new Handled(null, null);
    private static final Handled UNHANDLED = new Handled(null, null);

    private final Object value;
    private final CompletionStage<?> later;

    private Handled(Object value, CompletionStage<?> later) {
        this.value = value;
        this.later = later;
    }

    /**
     * Answers now.
     *
     * @param message the message being answered
     * @param value   its result
     * @param <R>     the message's result type
     * @return the answer
     */
    public static <R> Handled reply(Message<R> message, R value) {
        Objects.requireNonNull(message, "message");
        return value == null ? DONE : new Handled(value, null);
    }

    /**
     * Answers later, without blocking the actor: the sender's future completes when
     * {@code result} does. The actor goes on with its next message meanwhile.
     *
     * @param message the message being answered
     * @param result  completes with the result
     * @param <R>     the message's result type
     * @return the answer
     */
    public static <R> Handled replyLater(Message<R> message, CompletionStage<? extends R> result) {
        Objects.requireNonNull(message, "message");
        return new Handled(null, Objects.requireNonNull(result, "result"));
    }

    /**
     * Answers a fire-and-forget message.
     *
     * @param message the message
     * @return the answer
     */
    public static Handled done(Message<Void> message) {
        Objects.requireNonNull(message, "message");
        return DONE;
    }

    /**
     * Says this actor has no handler for the message: the sender's future fails with a
     * {@link io.airssys.rt.broker.BrokerException} ({@code ROUTING_FAILED}) naming the type.
     *
     * @return the answer
     */
    public static Handled unhandled() {
        return UNHANDLED;
    }

    /**
     * For the runtime: whether this is {@link #unhandled()}.
     *
     * @return {@code true} if the actor declined the message
     */
    public boolean isUnhandled() {
        return this == UNHANDLED;
    }

    /**
     * For the runtime: the result answered now.
     *
     * @return the value, or {@code null}
     */
    public Object value() {
        return value;
    }

    /**
     * For the runtime: the result answered later.
     *
     * @return the stage, or {@code null} if the answer is immediate
     */
    public CompletionStage<?> later() {
        return later;
    }
}
