package io.airssys.rt.actor;

import io.airssys.rt.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Builds actors from one handler per message type, checked by the compiler: the handler for
 * a {@code Message<R>} must return an {@code R}.
 *
 * <pre>{@code
 * Behavior<Message<?>> account = Behaviors.receive()
 *         .on(GetBalance.class, g -> 125.50)             // must return Double
 *         .onTell(LogEvent.class, e -> log.add(e.text()))
 *         .build();
 * }</pre>
 *
 * <p>Handlers are tried in the order they were added; the first whose type matches runs.
 * A message no handler matches fails with {@code ROUTING_FAILED}. The built actor holds no
 * state of its own: keep state in the enclosing object, or build one actor per instance
 * with {@link Builder#actor()} inside your own {@link Behavior#of factory}.
 */
public final class Behaviors {

    private Behaviors() {
    }

    /**
     * Starts a builder.
     *
     * @return an empty builder
     */
    public static Builder receive() {
        return new Builder();
    }

    /**
     * A handler that needs only the message.
     *
     * @param <M> the message type
     * @param <R> the result type
     */
    @FunctionalInterface
    public interface Handler<M, R> {
        /**
         * Handles the message.
         *
         * @param message the message
         * @return the result
         * @throws Exception fails the message's future
         */
        R handle(M message) throws Exception;
    }

    /**
     * A handler that also needs the actor's context (its id, the broker).
     *
     * @param <M> the message type
     * @param <R> the result type
     */
    @FunctionalInterface
    public interface ContextHandler<M, R> {
        /**
         * Handles the message.
         *
         * @param ctx     the actor's context
         * @param message the message
         * @return the result
         * @throws Exception fails the message's future
         */
        R handle(ActorContext ctx, M message) throws Exception;
    }

    /**
     * A handler for a fire-and-forget message.
     *
     * @param <M> the message type
     */
    @FunctionalInterface
    public interface Listener<M> {
        /**
         * Handles the message.
         *
         * @param message the message
         * @throws Exception counted as a failure and logged
         */
        void handle(M message) throws Exception;
    }

    /**
     * A lifecycle callback.
     */
    @FunctionalInterface
    public interface Callback {
        /**
         * Runs the callback.
         *
         * @param ctx the actor's context
         * @throws Exception see {@link Actor#preStart} and {@link Actor#postStop}
         */
        void run(ActorContext ctx) throws Exception;
    }

    /** Collects handlers; each {@code on...} method returns this builder. */
    public static final class Builder {
        private final List<Case> cases = new ArrayList<>();
        private Callback onStart;
        private Callback onStop;
        private Directive onFailure = Directive.RESUME;

        private Builder() {
        }

        /**
         * Handles messages of {@code type} with a function of the message.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> Builder on(Class<M> type, Handler<? super M, ? extends R> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, m) -> Handled.reply(type.cast(m), handler.handle(type.cast(m))));
        }

        /**
         * Handles messages of {@code type} with a function of the context and the message.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> Builder on(Class<M> type, ContextHandler<? super M, ? extends R> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, m) -> Handled.reply(type.cast(m), handler.handle(ctx, type.cast(m))));
        }

        /**
         * Handles messages of {@code type} asynchronously: the sender's future completes when
         * the returned stage does, and the actor goes on with its next message meanwhile.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns a stage of the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> Builder onAsync(
                Class<M> type, ContextHandler<? super M, ? extends CompletionStage<? extends R>> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, m) -> Handled.replyLater(type.cast(m), handler.handle(ctx, type.cast(m))));
        }

        /**
         * Handles fire-and-forget messages of {@code type}.
         *
         * @param type     the message class (or an interface it implements)
         * @param listener consumes the message
         * @param <M>      the message type
         * @return this builder
         */
        public <M extends Message<Void>> Builder onTell(Class<M> type, Listener<? super M> listener) {
            Objects.requireNonNull(listener, "listener");
            return add(type, (ctx, m) -> {
                M message = type.cast(m);
                listener.handle(message);
                return Handled.done(message);
            });
        }

        /**
         * Runs {@code callback} as {@link Actor#preStart}.
         *
         * @param callback the callback
         * @return this builder
         */
        public Builder onStart(Callback callback) {
            this.onStart = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Runs {@code callback} as {@link Actor#postStop}.
         *
         * @param callback the callback
         * @return this builder
         */
        public Builder onStop(Callback callback) {
            this.onStop = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Sets what happens after a handler throws (default {@link Directive#RESUME}).
         *
         * @param directive the directive
         * @return this builder
         */
        public Builder onFailure(Directive directive) {
            this.onFailure = Objects.requireNonNull(directive, "directive");
            return this;
        }

        /**
         * Returns an actor with the handlers added so far.
         *
         * @return a new actor
         */
        public Actor<Message<?>> actor() {
            return new HandlerTableActor(cases.toArray(Case[]::new), onStart, onStop, onFailure);
        }

        /**
         * Returns a behavior whose factory hands out one shared actor with these handlers
         * (it has no state of its own, so sharing it across spawns and restarts is safe).
         *
         * @return the behavior
         */
        @SuppressWarnings("unchecked")
        public Behavior<Message<?>> build() {
            Actor<Message<?>> actor = actor();
            return Behavior.of((Class<Message<?>>) (Class<?>) Message.class, () -> actor);
        }

        private Builder add(Class<?> type, ContextHandler<Object, Handled> handler) {
            Objects.requireNonNull(type, "type");
            cases.add(new Case(type, handler));
            return this;
        }
    }

    private record Case(Class<?> type, ContextHandler<Object, Handled> handler) {
    }

    /** Dispatches on the message's type, first match wins. */
    private record HandlerTableActor(Case[] cases, Callback start, Callback stop, Directive failure)
            implements Actor<Message<?>> {

        @Override
        public Handled receive(ActorContext ctx, Message<?> message) throws Exception {
            for (Case c : cases) {
                if (c.type.isInstance(message)) {
                    return c.handler.handle(ctx, message);
                }
            }
            return Handled.unhandled();
        }

        @Override
        public void preStart(ActorContext ctx) throws Exception {
            if (start != null) {
                start.run(ctx);
            }
        }

        @Override
        public void postStop(ActorContext ctx) throws Exception {
            if (stop != null) {
                stop.run(ctx);
            }
        }

        @Override
        public Directive onFailure(ActorContext ctx, Object message, Throwable error) {
            return failure;
        }
    }
}
