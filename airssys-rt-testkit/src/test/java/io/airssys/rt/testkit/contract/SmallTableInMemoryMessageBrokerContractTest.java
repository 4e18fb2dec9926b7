package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;

/**
 * The in-memory broker with the smallest routing table and no default timeout, so that the
 * contract also runs through table growth, tombstone reuse and timer-less requests.
 */
class SmallTableInMemoryMessageBrokerContractTest extends MessageBrokerContract {

    @Override
    protected BrokerNode newBroker() {
        return InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build();
    }
}
