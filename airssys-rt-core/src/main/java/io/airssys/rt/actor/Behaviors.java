package io.airssys.rt.actor;

import io.airssys.rt.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

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
 * A message no handler matches fails with {@code ROUTING_FAILED}. Every kind of handler comes
 * with and without the actor's context: {@code on}, {@code onTell} and {@code onAsync} each
 * take {@code msg -> ...} or {@code (ctx, msg) -> ...}. The two overloads differ in arity, so
 * javac picks one for any lambda, explicitly typed or not, with no cast.
 *
 * <h2>State: what is shared and what is not</h2>
 * {@link #receive()} builds a stateless actor: {@link Builder#build()} hands the same actor
 * instance to every spawn and every {@link Directive#RESTART}, and whatever its lambdas
 * capture is shared by all of them (and survives a restart). For per-actor state, use
 * {@link #withState(Supplier)}: its factory runs once per actor instance, so each spawn starts
 * with fresh state and a {@code RESTART} replaces the state together with the actor.
 *
 * <pre>{@code
 * final class Counter { int n; }
 * Behavior<Message<?>> counter = Behaviors.withState(Counter::new)
 *         .onTell(Increment.class, (c, i) -> c.n++)
 *         .on(Get.class, (c, g) -> c.n)
 *         .onFailure(Directive.RESTART)                  // a failure resets n to 0
 *         .build();
 * }</pre>
 *
 * The handlers themselves (and anything they capture) are still shared; only the object the
 * factory returns is per actor. An actor processes one message at a time, so its state needs
 * no locking, as long as no {@code onAsync} stage touches it after the handler returned.
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
     * Starts a builder whose handlers also get per-actor state: {@code state} runs once for
     * each actor instance (each spawn and each {@link Directive#RESTART}).
     *
     * @param state makes the state of one actor instance; must not return {@code null}
     * @param <S>   the state type
     * @return an empty builder
     */
    public static <S> StateBuilder<S> withState(Supplier<? extends S> state) {
        return new StateBuilder<>(state);
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
     * A handler for a fire-and-forget message that also needs the actor's context.
     *
     * @param <M> the message type
     */
    @FunctionalInterface
    public interface ContextListener<M> {
        /**
         * Handles the message.
         *
         * @param ctx     the actor's context
         * @param message the message
         * @throws Exception counted as a failure and logged
         */
        void handle(ActorContext ctx, M message) throws Exception;
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
         * Handles messages of {@code type} asynchronously with a function of the message: the
         * sender's future completes when the returned stage does, and the actor goes on with its
         * next message meanwhile.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns a stage of the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> Builder onAsync(
                Class<M> type, Handler<? super M, ? extends CompletionStage<? extends R>> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, m) -> Handled.replyLater(type.cast(m), handler.handle(type.cast(m))));
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
         * Handles fire-and-forget messages of {@code type} with the actor's context too.
         *
         * @param type     the message class (or an interface it implements)
         * @param listener consumes the context and the message
         * @param <M>      the message type
         * @return this builder
         */
        public <M extends Message<Void>> Builder onTell(Class<M> type, ContextListener<? super M> listener) {
            Objects.requireNonNull(listener, "listener");
            return add(type, (ctx, m) -> {
                M message = type.cast(m);
                listener.handle(ctx, message);
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
         * Returns a behavior whose factory hands out one shared actor with these handlers: every
         * spawn and every {@link Directive#RESTART} gets that same instance, so whatever the
         * handlers capture is shared and a restart resets none of it. For per-actor state use
         * {@link Behaviors#withState(Supplier)}.
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

    /**
     * A handler of a stateful actor that needs its state and the message.
     *
     * @param <S> the state type
     * @param <M> the message type
     * @param <R> the result type
     */
    @FunctionalInterface
    public interface StateHandler<S, M, R> {
        /**
         * Handles the message.
         *
         * @param state   this actor instance's state
         * @param message the message
         * @return the result
         * @throws Exception fails the message's future
         */
        R handle(S state, M message) throws Exception;
    }

    /**
     * A handler of a stateful actor that needs its context, its state and the message.
     *
     * @param <S> the state type
     * @param <M> the message type
     * @param <R> the result type
     */
    @FunctionalInterface
    public interface StateContextHandler<S, M, R> {
        /**
         * Handles the message.
         *
         * @param ctx     the actor's context
         * @param state   this actor instance's state
         * @param message the message
         * @return the result
         * @throws Exception fails the message's future
         */
        R handle(ActorContext ctx, S state, M message) throws Exception;
    }

    /**
     * A fire-and-forget handler of a stateful actor.
     *
     * @param <S> the state type
     * @param <M> the message type
     */
    @FunctionalInterface
    public interface StateListener<S, M> {
        /**
         * Handles the message.
         *
         * @param state   this actor instance's state
         * @param message the message
         * @throws Exception counted as a failure and logged
         */
        void handle(S state, M message) throws Exception;
    }

    /**
     * A fire-and-forget handler of a stateful actor that also needs its context.
     *
     * @param <S> the state type
     * @param <M> the message type
     */
    @FunctionalInterface
    public interface StateContextListener<S, M> {
        /**
         * Handles the message.
         *
         * @param ctx     the actor's context
         * @param state   this actor instance's state
         * @param message the message
         * @throws Exception counted as a failure and logged
         */
        void handle(ActorContext ctx, S state, M message) throws Exception;
    }

    /**
     * A lifecycle callback of a stateful actor.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    public interface StateCallback<S> {
        /**
         * Runs the callback.
         *
         * @param ctx   the actor's context
         * @param state this actor instance's state
         * @throws Exception see {@link Actor#preStart} and {@link Actor#postStop}
         */
        void run(ActorContext ctx, S state) throws Exception;
    }

    /**
     * Collects the handlers of a stateful actor; each {@code on...} method returns this builder.
     * The state factory runs once per actor instance: on each spawn and each
     * {@link Directive#RESTART}, never per message.
     *
     * @param <S> the state type
     */
    public static final class StateBuilder<S> {
        private final Supplier<? extends S> state;
        private final List<StateCase<S>> cases = new ArrayList<>();
        private StateCallback<S> onStart;
        private StateCallback<S> onStop;
        private Directive onFailure = Directive.RESUME;

        private StateBuilder(Supplier<? extends S> state) {
            this.state = Objects.requireNonNull(state, "state");
        }

        /**
         * Handles messages of {@code type} with a function of the state and the message.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> StateBuilder<S> on(
                Class<M> type, StateHandler<? super S, ? super M, ? extends R> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, s, m) -> Handled.reply(type.cast(m), handler.handle(s, type.cast(m))));
        }

        /**
         * Handles messages of {@code type} with a function of the context, the state and the message.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> StateBuilder<S> on(
                Class<M> type, StateContextHandler<? super S, ? super M, ? extends R> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, s, m) -> Handled.reply(type.cast(m), handler.handle(ctx, s, type.cast(m))));
        }

        /**
         * Handles messages of {@code type} asynchronously (see {@link Builder#onAsync(Class, Handler)}).
         * The returned stage must not touch the state once the handler has returned: the actor
         * is already processing its next message.
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns a stage of the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> StateBuilder<S> onAsync(
                Class<M> type, StateHandler<? super S, ? super M, ? extends CompletionStage<? extends R>> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, s, m) -> Handled.replyLater(type.cast(m), handler.handle(s, type.cast(m))));
        }

        /**
         * Handles messages of {@code type} asynchronously with the context too (see
         * {@link #onAsync(Class, StateHandler)}).
         *
         * @param type    the message class (or an interface it implements)
         * @param handler returns a stage of the result
         * @param <R>     the result type, fixed by {@code M}
         * @param <M>     the message type
         * @return this builder
         */
        public <R, M extends Message<R>> StateBuilder<S> onAsync(
                Class<M> type,
                StateContextHandler<? super S, ? super M, ? extends CompletionStage<? extends R>> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(type, (ctx, s, m) -> Handled.replyLater(type.cast(m), handler.handle(ctx, s, type.cast(m))));
        }

        /**
         * Handles fire-and-forget messages of {@code type} with the state.
         *
         * @param type     the message class (or an interface it implements)
         * @param listener consumes the state and the message
         * @param <M>      the message type
         * @return this builder
         */
        public <M extends Message<Void>> StateBuilder<S> onTell(
                Class<M> type, StateListener<? super S, ? super M> listener) {
            Objects.requireNonNull(listener, "listener");
            return add(type, (ctx, s, m) -> {
                M message = type.cast(m);
                listener.handle(s, message);
                return Handled.done(message);
            });
        }

        /**
         * Handles fire-and-forget messages of {@code type} with the context and the state.
         *
         * @param type     the message class (or an interface it implements)
         * @param listener consumes the context, the state and the message
         * @param <M>      the message type
         * @return this builder
         */
        public <M extends Message<Void>> StateBuilder<S> onTell(
                Class<M> type, StateContextListener<? super S, ? super M> listener) {
            Objects.requireNonNull(listener, "listener");
            return add(type, (ctx, s, m) -> {
                M message = type.cast(m);
                listener.handle(ctx, s, message);
                return Handled.done(message);
            });
        }

        /**
         * Runs {@code callback} as {@link Actor#preStart}, with the new instance's state.
         *
         * @param callback the callback
         * @return this builder
         */
        public StateBuilder<S> onStart(StateCallback<S> callback) {
            this.onStart = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Runs {@code callback} as {@link Actor#postStop}, with the stopping instance's state.
         *
         * @param callback the callback
         * @return this builder
         */
        public StateBuilder<S> onStop(StateCallback<S> callback) {
            this.onStop = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Sets what happens after a handler throws (default {@link Directive#RESUME}, which
         * keeps the state; {@link Directive#RESTART} replaces it with a fresh one).
         *
         * @param directive the directive
         * @return this builder
         */
        public StateBuilder<S> onFailure(Directive directive) {
            this.onFailure = Objects.requireNonNull(directive, "directive");
            return this;
        }

        /**
         * Returns a new actor with the handlers added so far and fresh state from the factory.
         *
         * @return a new actor
         * @throws NullPointerException if the state factory returns {@code null}
         */
        public Actor<Message<?>> actor() {
            S s = Objects.requireNonNull(state.get(), "the state factory returned null");
            return new StateTableActor<>(s, List.copyOf(cases), onStart, onStop, onFailure);
        }

        /**
         * Returns a behavior whose factory makes a new actor, with fresh state, on each spawn
         * and each {@link Directive#RESTART}. The handlers are shared; the state is not.
         *
         * @return the behavior
         */
        @SuppressWarnings("unchecked")
        public Behavior<Message<?>> build() {
            List<StateCase<S>> fixed = List.copyOf(cases);
            StateCallback<S> start = onStart;
            StateCallback<S> stop = onStop;
            Directive failure = onFailure;
            Supplier<? extends S> factory = state;
            return Behavior.of((Class<Message<?>>) (Class<?>) Message.class, () -> new StateTableActor<S>(
                    Objects.requireNonNull(factory.get(), "the state factory returned null"),
                    fixed, start, stop, failure));
        }

        private StateBuilder<S> add(Class<?> type, StateContextHandler<S, Object, Handled> handler) {
            Objects.requireNonNull(type, "type");
            cases.add(new StateCase<>(type, handler));
            return this;
        }
    }

    private record StateCase<S>(Class<?> type, StateContextHandler<S, Object, Handled> handler) {
    }

    /** A {@link HandlerTableActor} with one instance's state, handed to every handler. */
    private record StateTableActor<S>(S state, List<StateCase<S>> cases, StateCallback<S> start,
                                      StateCallback<S> stop, Directive failure) implements Actor<Message<?>> {

        @Override
        public Handled receive(ActorContext ctx, Message<?> message) throws Exception {
            for (StateCase<S> c : cases) {
                if (c.type.isInstance(message)) {
                    return c.handler.handle(ctx, state, message);
                }
            }
            return Handled.unhandled();
        }

        @Override
        public void preStart(ActorContext ctx) throws Exception {
            if (start != null) {
                start.run(ctx, state);
            }
        }

        @Override
        public void postStop(ActorContext ctx) throws Exception {
            if (stop != null) {
                stop.run(ctx, state);
            }
        }

        @Override
        public Directive onFailure(ActorContext ctx, Object message, Throwable error) {
            return failure;
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
