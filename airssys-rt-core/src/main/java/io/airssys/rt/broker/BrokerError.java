package io.airssys.rt.broker;

/**
 * Why a broker operation (registration, routing) failed; carried by {@link BrokerException}.
 * The names are stable and can be switched on.
 */
public enum BrokerError {
    /** The actor id is already registered with this broker. */
    ALREADY_REGISTERED,
    /** The actor id is not registered with this broker. */
    NOT_FOUND,
    /**
     * The broker could not route the message; the exception message says why (for example: the
     * receiving actor has no handler for the message's type).
     */
    ROUTING_FAILED,
    /**
     * The broker is closed: the one signal for it, from every method (thrown by the
     * synchronous ones, a failed future from the others).
     */
    BROKER_CLOSED
}
