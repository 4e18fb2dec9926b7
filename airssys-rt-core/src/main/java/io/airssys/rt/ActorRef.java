package io.airssys.rt;

import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.SendOptions;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A typed handle on one actor: its id, the protocol it handles, and the broker that reaches it.
 * {@link #ask} and {@link #tell} take only messages of the protocol ({@link Request}s whose
 * protocol is {@code P} or a subtype of it), checked by the compiler, and {@code ask} infers the
 * result type:
 *
 * <pre>{@code
 * ActorRef<Account<?>> account = system.spawn(accountBehavior);
 * CompletableFuture<Double> balance = account.ask(new GetBalance());
 * }</pre>
 *
 * <p>A ref is a value: it holds no resources, is safe to share between threads, and stays valid
 * (though sends to it fail with {@code ACTOR_NOT_FOUND}) after its actor stopped. Every method is
 * the broker's {@code ActorId}-based method with the same semantics, errors and options; the
 * broker may be location-transparent, so a ref works the same for an actor on another node.
 * Two refs are equal when they name the same actor through the same broker instance.
 *
 * @param <P> the actor's protocol
 */
public final class ActorRef<P> {

    private final MessageBroker broker;
    private final ActorId id;
    private final Class<P> protocol;

    private ActorRef(MessageBroker broker, ActorId id, Class<P> protocol) {
        this.broker = broker;
        this.id = id;
        this.protocol = protocol;
    }

    /**
     * Makes a ref to an actor registered with {@code broker} (for example one spawned on another
     * node, whose id reached this one in a message). Nothing is checked against the broker: a
     * ref to an id nobody registered fails its sends with {@code ACTOR_NOT_FOUND}.
     *
     * @param broker   the broker that reaches the actor
     * @param id       the actor's id
     * @param protocol the protocol's class (raw for a generic protocol interface: the protocol
     *                 type comes from the assignment, e.g. {@code ActorRef<Account<?>>})
     * @param <P>      the protocol
     * @return the ref
     */
    @SuppressWarnings("unchecked")
    public static <P> ActorRef<P> of(MessageBroker broker, ActorId id, Class<? super P> protocol) {
        return new ActorRef<>(Objects.requireNonNull(broker, "broker"), Objects.requireNonNull(id, "id"),
                (Class<P>) Objects.requireNonNull(protocol, "protocol"));
    }

    /**
     * Returns the actor's id, for the broker's {@code ActorId}-based methods.
     *
     * @return the id
     */
    public ActorId id() {
        return id;
    }

    /**
     * Returns the protocol the actor handles.
     *
     * @return the protocol class
     */
    public Class<P> protocol() {
        return protocol;
    }

    /**
     * Returns the broker this ref sends through.
     *
     * @return the broker
     */
    public MessageBroker broker() {
        return broker;
    }

    /**
     * Sends a request and returns its result: {@link MessageBroker#send(ActorId, Message)}.
     *
     * @param message a message of this actor's protocol
     * @param <R>     its result type
     * @return the result, or a future failed with a {@link io.airssys.rt.broker.DeliveryException}
     * @throws IllegalArgumentException if {@code message} is not an instance of the protocol
     *                                  class (only possible through unchecked or raw types)
     */
    public <R> CompletableFuture<R> ask(Request<? extends P, R> message) {
        return broker.send(id, checked(message));
    }

    /**
     * Sends a request with options (timeout, priority, headers) and returns its result:
     * {@link MessageBroker#send(ActorId, Message, SendOptions)}.
     *
     * @param message a message of this actor's protocol
     * @param options the options
     * @param <R>     its result type
     * @return the result, or a future failed with a {@link io.airssys.rt.broker.DeliveryException}
     * @throws IllegalArgumentException if {@code message} is not an instance of the protocol class
     */
    public <R> CompletableFuture<R> ask(Request<? extends P, R> message, SendOptions options) {
        return broker.send(id, checked(message), options);
    }

    /**
     * Sends a fire-and-forget message without waiting: {@link MessageBroker#trySend(ActorId, Message)}.
     *
     * @param message a fire-and-forget message of this actor's protocol
     * @throws io.airssys.rt.broker.SendException       if the actor is not registered or its mailbox refused the message
     * @throws io.airssys.rt.broker.BrokerException     with {@code BROKER_CLOSED} if the broker is closed
     * @throws IllegalArgumentException if {@code message} is not an instance of the protocol class
     */
    public void tell(Request<? extends P, Void> message) {
        broker.trySend(id, checked(message));
    }

    /**
     * Sends a fire-and-forget message with options: {@link MessageBroker#trySend(ActorId, Message, SendOptions)}.
     *
     * @param message a fire-and-forget message of this actor's protocol
     * @param options the options
     * @throws io.airssys.rt.broker.SendException       if the actor is not registered or its mailbox refused the message
     * @throws io.airssys.rt.broker.BrokerException     with {@code BROKER_CLOSED} if the broker is closed
     * @throws IllegalArgumentException if {@code message} is not an instance of the protocol class
     */
    public void tell(Request<? extends P, Void> message, SendOptions options) {
        broker.trySend(id, checked(message), options);
    }

    private <M extends Message<?>> M checked(M message) {
        Objects.requireNonNull(message, "message");
        if (!protocol.isInstance(message)) {
            throw new IllegalArgumentException(message.getClass().getName() + " is not a message of "
                    + protocol.getName() + ", the protocol of " + id);
        }
        return message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActorRef<?> r && r.broker == broker && r.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ActorRef[" + id + ": " + protocol.getSimpleName() + "]";
    }
}
