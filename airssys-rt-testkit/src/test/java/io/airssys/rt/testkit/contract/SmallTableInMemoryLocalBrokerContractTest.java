package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.InMemoryMessageBroker;

/**
 * The in-memory broker with the smallest routing table and no default timeout against the
 * local-node contract (table growth, tombstone reuse, timer-less requests).
 */
class SmallTableInMemoryLocalBrokerContractTest extends LocalBrokerContract {

    @Override
    protected BrokerNode newBroker() {
        return InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build();
    }
}
