package io.airssys.rt.broker;

import io.airssys.rt.ActorId;

import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * One actor's answer to a broadcast: its id and either its result or its error. A broadcast
 * returns one reply per target actor, in registration order.
 *
 * <pre>{@code
 * for (Reply<Void> reply : broker.broadcast(new Shutdown()).join()) {
 *     switch (reply) {
 *         case Reply.Ok<Void> ok -> {}
 *         case Reply.Failed<Void> failed -> System.err.println(failed.actorId() + ": " + failed.error());
 *     }
 * }
 * }</pre>
 *
 * @param <R> the message's result type
 */
public sealed interface Reply<R> {

    /**
     * Returns the actor this reply came from.
     *
     * @return the actor id
     */
    ActorId actorId();

    /**
     * Returns whether the actor answered with a result.
     *
     * @return {@code true} for {@link Ok}
     */
    boolean isOk();

    /**
     * Returns the result, or throws the error wrapped in a {@link CompletionException}.
     *
     * @return the result
     */
    R valueOrThrow();

    /**
     * The actor answered.
     *
     * @param actorId the actor
     * @param value   its result ({@code null} for {@code Message<Void>})
     * @param <R>     the result type
     */
    record Ok<R>(ActorId actorId, R value) implements Reply<R> {
        /** Checks the id. */
        public Ok {
            Objects.requireNonNull(actorId, "actorId");
        }

        @Override
        public boolean isOk() {
            return true;
        }

        @Override
        public R valueOrThrow() {
            return value;
        }
    }

    /**
     * The actor did not answer: a {@link SendException}, a {@link BrokerException} or the
     * handler's own exception.
     *
     * @param actorId the actor
     * @param error   why
     * @param <R>     the result type
     */
    record Failed<R>(ActorId actorId, Throwable error) implements Reply<R> {
        /** Checks both fields. */
        public Failed {
            Objects.requireNonNull(actorId, "actorId");
            Objects.requireNonNull(error, "error");
        }

        @Override
        public boolean isOk() {
            return false;
        }

        @Override
        public R valueOrThrow() {
            throw new CompletionException(error);
        }
    }
}
