package io.airssys.rt.nats;

import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.BrokerFixture;
import io.airssys.rt.testkit.contract.MessageBrokerContract;

/**
 * The location-transparent contract on a real 3-server NATS cluster with three broker nodes, one
 * per server: each test's callers are on node 0, its actors on the other nodes.
 */
@WithNatsCluster(servers = 3)
class ThreeNodeNatsBrokerContractTest extends MessageBrokerContract {

    static NatsCluster cluster;

    @Override
    protected BrokerFixture newFixture() {
        try {
            return new NatsNodes(cluster).fixture(3);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
