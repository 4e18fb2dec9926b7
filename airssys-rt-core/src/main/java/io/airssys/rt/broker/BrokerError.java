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
    BROKER_CLOSED,
    /**
     * A message or its reply could not cross to another JVM: its type is not registered with
     * the broker's codec, its bytes did not decode, or it exceeds the transport's size limit.
     * The cause is the {@link io.airssys.rt.spi.CodecException}, whose reason says which. The
     * in-memory broker never reports it (nothing is encoded).
     */
    CODEC_FAILED
}
