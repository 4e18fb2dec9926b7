package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.InMemoryMessageBroker;

/**
 * The in-memory broker with the smallest routing table and no default timeout, so that the
 * location-transparent contract also runs through table growth, tombstone reuse and timer-less
 * requests.
 */
class SmallTableInMemoryMessageBrokerContractTest extends MessageBrokerContract {

    @Override
    protected BrokerFixture newFixture() {
        return new InMemoryFixture(() -> InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build());
    }
}
