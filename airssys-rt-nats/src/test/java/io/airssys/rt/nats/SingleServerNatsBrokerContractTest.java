package io.airssys.rt.nats;

import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.BrokerFixture;
import io.airssys.rt.testkit.contract.MessageBrokerContract;

/** The location-transparent contract on one nats-server with two broker nodes. */
@WithNatsCluster(servers = 1)
class SingleServerNatsBrokerContractTest extends MessageBrokerContract {

    static NatsCluster cluster;

    @Override
    protected BrokerFixture newFixture() {
        try {
            return new NatsNodes(cluster).fixture(2);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
