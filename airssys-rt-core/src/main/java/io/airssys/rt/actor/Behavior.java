package io.airssys.rt.actor;

import io.airssys.rt.Message;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to make an actor: the protocol it accepts and a factory for instances (a new instance
 * on each spawn and on each {@link Directive#RESTART}).
 *
 * @param protocol the type every message must have; others fail with {@code ROUTING_FAILED}
 * @param factory  makes a fresh actor; must not return {@code null}
 * @param <P>      the protocol
 */
public record Behavior<P>(Class<P> protocol, Supplier<? extends Actor<P>> factory) {

    /** Checks both fields. */
    public Behavior {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(factory, "factory");
    }

    /**
     * Returns a behavior; shorthand for the constructor.
     *
     * @param protocol the protocol type
     * @param factory  makes a fresh actor
     * @param <P>      the protocol
     * @return the behavior
     */
    public static <P> Behavior<P> of(Class<P> protocol, Supplier<? extends Actor<P>> factory) {
        return new Behavior<>(protocol, factory);
    }

    /**
     * Returns this behavior as one for a narrower protocol, so that
     * {@link ActorSystem#spawn(Behavior)} returns an {@link io.airssys.rt.ActorRef} that only
     * takes that protocol's messages. The actor is the same; only the static type narrows.
     *
     * <pre>{@code
     * Behavior<Account<?>> account = Behaviors.receive()
     *         .on(GetBalance.class, g -> balance)
     *         .build()
     *         .narrow(Account.class);
     * }</pre>
     *
     * For a generic protocol interface the class literal is raw ({@code Account.class}); the
     * protocol type comes from the assignment ({@code Behavior<Account<?>>}), or explicitly:
     * {@code .<Account<?>>narrow(Account.class)}.
     *
     * @param narrower the protocol's class: a subtype of this behavior's protocol, or any type
     *                 when this behavior handles every {@code Message} (as {@link Behaviors}
     *                 builds them), so a marker interface whose messages are {@link io.airssys.rt.Request}s works
     * @param <Q>      the protocol
     * @return a behavior with the same factory
     * @throws IllegalArgumentException if {@code narrower} is not a subtype of {@link #protocol()}
     *                                  (and that protocol is not {@code Message})
     */
    @SuppressWarnings("unchecked")
    public <Q> Behavior<Q> narrow(Class<? super Q> narrower) {
        Objects.requireNonNull(narrower, "narrower");
        // A behavior for every Message may take any protocol, a marker interface included: the
        // broker only ever delivers Messages, so whatever reaches the actor is one.
        if (protocol != Message.class && !protocol.isAssignableFrom(narrower)) {
            throw new IllegalArgumentException("cannot narrow a behavior for " + protocol.getName() + " to "
                    + narrower.getName() + ": it is not a subtype");
        }
        Supplier<? extends Actor<P>> f = factory;
        return new Behavior<>((Class<Q>) narrower, () -> (Actor<Q>) (Actor<?>) f.get());
    }
}
