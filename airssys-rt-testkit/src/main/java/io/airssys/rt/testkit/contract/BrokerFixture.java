package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.mailbox.Mailbox;

/**
 * The nodes a {@link MessageBrokerContract} test runs on: {@link #nodes()} brokers, numbered from
 * 0, each able to place actors on itself. A test sends through one node's {@link #broker(int)} to
 * actors that {@link #spawn(int, ActorId, Behavior, Mailbox)} placed on another; with one node,
 * both are the same broker.
 *
 * <p>One node is one {@link io.airssys.rt.broker.BrokerNode} with its own
 * {@link io.airssys.rt.actor.ActorSystem}. The in-memory broker is a single node
 * ({@link InMemoryFixture}). A broker that spans JVMs runs the contract with several nodes in
 * one test JVM, connected the way they would be across machines (for example through a NATS
 * cluster on loopback): build one {@code BrokerNode} per node and hand them to
 * {@link ActorSystemFixture}, which gives each its own {@code ActorSystem}:
 *
 * <pre>{@code
 * // a sketch: three nodes of a NATS broker (issue 11), connected through a NATS cluster on loopback
 * BrokerFixture fixture = new ActorSystemFixture(List.of(
 *         DistributedMessageBroker.connect(natsUrl),
 *         DistributedMessageBroker.connect(natsUrl),
 *         DistributedMessageBroker.connect(natsUrl)));
 * }</pre>
 *
 * A broker that keeps resources outside its nodes (an embedded server, a shared connection)
 * subclasses {@link ActorSystemFixture} and releases them in {@code close()} after
 * {@code super.close()}.
 *
 * <p>Actor ids passed to {@code spawn} are unique across the nodes of one fixture: the contract
 * never places two actors under one id. Behaviors and mailboxes are objects of the test JVM; a
 * fixture hands them to the node's own {@code ActorSystem} and never sends them anywhere.
 */
public interface BrokerFixture extends AutoCloseable {

    /**
     * Returns how many nodes this fixture has; at least 1.
     *
     * @return the node count
     */
    int nodes();

    /**
     * Returns a node's broker: what a caller on that node sends through.
     *
     * @param node the node, {@code 0 <= node < nodes()}
     * @return its broker
     * @throws IndexOutOfBoundsException if there is no such node
     */
    MessageBroker broker(int node);

    /**
     * Places an actor on a node under a given id (registered with that node's broker and
     * running on its {@code ActorSystem}).
     *
     * @param node     the node, {@code 0 <= node < nodes()}
     * @param id       the id, not registered on any node
     * @param behavior makes the actor
     * @param mailbox  a mailbox not registered anywhere yet
     * @return {@code id}
     * @throws IndexOutOfBoundsException if there is no such node
     */
    ActorId spawn(int node, ActorId id, Behavior<?> behavior, Mailbox<?> mailbox);

    /**
     * Places an actor on a node under a new id.
     *
     * @param node     the node, {@code 0 <= node < nodes()}
     * @param behavior makes the actor
     * @param mailbox  a mailbox not registered anywhere yet
     * @return its id
     */
    default ActorId spawn(int node, Behavior<?> behavior, Mailbox<?> mailbox) {
        return spawn(node, ActorId.newId(), behavior, mailbox);
    }

    /**
     * Places an actor on a node under a new id, with an unbounded mailbox.
     *
     * @param node     the node, {@code 0 <= node < nodes()}
     * @param behavior makes the actor
     * @return its id
     */
    default ActorId spawn(int node, Behavior<?> behavior) {
        return spawn(node, behavior, Mailbox.unbounded());
    }

    /** Closes every node (idempotent): their actors stop and every pending future completes. */
    @Override
    void close();

    /**
     * Returns how many messages wait in the mailbox of {@code id} on the node that owns it, so a
     * test can know that messages sent from another node have arrived before it goes on (a send
     * across a network is still in flight when the call returns).
     *
     * @param id an actor spawned through this fixture
     * @return the count, or 0 if no node holds the actor
     */
    int queued(ActorId id);
}
