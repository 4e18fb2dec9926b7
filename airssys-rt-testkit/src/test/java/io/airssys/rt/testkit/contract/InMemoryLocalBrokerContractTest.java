package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.InMemoryMessageBroker;

/** The in-memory broker against the local-node contract. */
class InMemoryLocalBrokerContractTest extends LocalBrokerContract {

    @Override
    protected BrokerNode newBroker() {
        return new InMemoryMessageBroker();
    }
}
