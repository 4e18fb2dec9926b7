package io.airssys.rt.actor;

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
}
