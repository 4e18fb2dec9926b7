package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorLocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link BrokerFixture} over given broker nodes: node {@code i} is the i-th {@link BrokerNode},
 * with an {@link ActorSystem} of its own on virtual threads that places the actors spawned on
 * it. {@link #close()} closes the systems (and so the nodes) in node order.
 */
public class ActorSystemFixture implements BrokerFixture {

    private final List<ActorSystem> systems;

    /**
     * Starts one actor system per node.
     *
     * @param nodes the nodes, at least one; node {@code i} is {@code nodes.get(i)}
     * @throws IllegalArgumentException if {@code nodes} is empty
     */
    public ActorSystemFixture(List<? extends BrokerNode> nodes) {
        Objects.requireNonNull(nodes, "nodes");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a fixture needs at least one node");
        }
        List<ActorSystem> started = new ArrayList<>(nodes.size());
        for (BrokerNode node : nodes) {
            started.add(ActorSystem.builder().broker(Objects.requireNonNull(node, "node")).virtualThreads().build());
        }
        this.systems = List.copyOf(started);
    }

    @Override
    public int nodes() {
        return systems.size();
    }

    @Override
    public MessageBroker broker(int node) {
        return system(node).broker();
    }

    @Override
    public ActorId spawn(int node, ActorId id, Behavior<?> behavior, Mailbox<?> mailbox) {
        return system(node).spawn(id, behavior, mailbox).id();
    }

    @Override
    public int queued(ActorId id) {
        for (ActorSystem system : systems) {
            if (system.broker().directory().locate(id) instanceof ActorLocation.Local local) {
                return local.mailbox().size();
            }
        }
        return 0;
    }

    /**
     * Returns a node's actor system.
     *
     * @param node the node, {@code 0 <= node < nodes()}
     * @return its system
     * @throws IndexOutOfBoundsException if there is no such node
     */
    public ActorSystem system(int node) {
        return systems.get(Objects.checkIndex(node, systems.size()));
    }

    @Override
    public void close() {
        systems.forEach(ActorSystem::close);
    }
}
