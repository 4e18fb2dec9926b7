package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;

/** The in-memory broker against the broker contract. */
class InMemoryMessageBrokerContractTest extends MessageBrokerContract {

    @Override
    protected BrokerNode newBroker() {
        return new InMemoryMessageBroker();
    }
}
