package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Registration;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorDirectory;

/**
 * The broker of one node (one JVM): every location-transparent operation of
 * {@link MessageBroker}, plus what only makes sense for the actors that live here.
 *
 * <ul>
 *   <li>{@link #register} takes a {@link Mailbox} object, which only exists in this JVM; an
 *       {@link io.airssys.rt.actor.ActorSystem} registers through it when it spawns an actor.</li>
 *   <li>{@link #deadLetters()} holds the messages that died on this node (a message dies on
 *       the node of the mailbox that refused or dropped it).</li>
 *   <li>{@link #addListener} observes the sends made through this node.</li>
 *   <li>{@link #metrics()} counts what this node routed and delivered.</li>
 *   <li>{@link #directory()} says where each actor lives (here, or on which other node).</li>
 * </ul>
 *
 * <p>The in-memory broker is one node on its own; a distributed broker is a node that also
 * reaches actors of other nodes, so an {@code ActorSystem} runs on either. Code that only
 * sends should depend on {@link MessageBroker}.
 */
public interface BrokerNode extends MessageBroker {

    /**
     * Registers a mailbox under an id (spec: {@code register}). Atomic: of many concurrent
     * registrations of one id exactly one succeeds.
     *
     * @param actorId the id, unique within this broker
     * @param mailbox a mailbox not registered anywhere yet
     * @throws BrokerException       with {@link BrokerError#ALREADY_REGISTERED} if the id is taken, or
     *                               {@link BrokerError#BROKER_CLOSED} if the broker is closed
     * @throws IllegalStateException if the mailbox was registered before (a misuse, not a delivery failure)
     */
    void register(ActorId actorId, Mailbox<?> mailbox);

    /**
     * Returns the queue undelivered messages go to.
     *
     * @return the dead letter queue
     */
    DeadLetterQueue deadLetters();

    /**
     * Adds a listener that observes every send, broadcast and publish (for tests and tracing).
     *
     * @param listener the listener
     * @return removes it
     */
    Registration addListener(BrokerListener listener);

    /**
     * Returns this node's counters (spec: {@code metrics()}).
     *
     * @return a snapshot
     */
    BrokerMetrics metrics();

    /**
     * Returns the directory this node routes by: where each registered actor lives, in
     * registration order. A live view, not a copy.
     *
     * @return the directory
     */
    ActorDirectory directory();
}
