package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.BrokerNode;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One node: an in-memory broker (or any single {@link BrokerNode}) with its actor system. Every
 * test of {@link MessageBrokerContract} then sends and places actors on node 0.
 *
 * <pre>{@code
 * protected BrokerFixture newFixture() {
 *     return new InMemoryFixture(InMemoryMessageBroker::new);
 * }
 * }</pre>
 */
public final class InMemoryFixture extends ActorSystemFixture {

    /**
     * Makes one node from {@code broker}.
     *
     * @param broker makes the node's broker; called once
     */
    public InMemoryFixture(Supplier<? extends BrokerNode> broker) {
        super(List.of(Objects.requireNonNull(broker, "broker").get()));
    }
}
