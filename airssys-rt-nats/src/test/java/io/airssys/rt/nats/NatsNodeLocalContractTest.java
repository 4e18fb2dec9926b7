package io.airssys.rt.nats;

import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.LocalBrokerContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The local contract on one node of the NATS broker: what a node shows about its own actors
 * (synchronous trySend errors, exact metrics, dead letters, cancellation, mailbox objects, close
 * while a handler is stuck) is the same as the in-memory broker's.
 */
@WithNatsCluster(servers = 1)
class NatsNodeLocalContractTest extends LocalBrokerContract {

    static NatsCluster cluster;

    private NatsNodes nodes;

    @Override
    protected BrokerNode newBroker() {
        nodes = new NatsNodes(cluster);
        try {
            return nodes.start(1).get(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void dropRegistry() {
        nodes.close();
    }
}
