package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.InMemoryMessageBroker;

/** The in-memory broker against the location-transparent contract (one node). */
class InMemoryMessageBrokerContractTest extends MessageBrokerContract {

    @Override
    protected BrokerFixture newFixture() {
        return new InMemoryFixture(InMemoryMessageBroker::new);
    }
}
