package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.InMemoryMessageBroker;

import java.util.List;

/**
 * The location-transparent contract with {@code nodes() == 3}: three actor systems over ONE
 * in-memory broker, so every test runs its multi-node placement (sender on node 0, actors on
 * nodes 1, 2, 0, ...) and closes every node, as it will for a distributed broker. Nothing
 * crosses a JVM or a wire here; this checks the contract's own multi-node code paths.
 */
class ThreeSystemsOneBrokerMessageBrokerContractTest extends MessageBrokerContract {

    @Override
    protected BrokerFixture newFixture() {
        InMemoryMessageBroker shared = new InMemoryMessageBroker();
        return new ActorSystemFixture(List.of(shared, shared, shared));
    }
}
