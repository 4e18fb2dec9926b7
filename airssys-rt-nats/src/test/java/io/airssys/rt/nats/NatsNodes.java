package io.airssys.rt.nats;

import io.airssys.rt.Message;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.airssys.rt.testkit.contract.ActorSystemFixture;
import io.airssys.rt.testkit.contract.BrokerContractSupport;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Broker nodes on a running {@link NatsCluster} for tests: node {@code i} connects to server
 * {@code i % servers}, each test gets a registry of its own (a fresh prefix), and closing removes
 * that registry bucket.
 */
final class NatsNodes implements AutoCloseable {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final NatsCluster cluster;
    private final String prefix = "t" + ProcessHandle.current().pid() + "x" + PREFIXES.incrementAndGet();
    private final List<Connection> connections = new ArrayList<>();
    private final List<DistributedMessageBroker> nodes = new ArrayList<>();

    NatsNodes(NatsCluster cluster) {
        this.cluster = cluster;
    }

    /** The codec of the contracts' messages. */
    static MessageCodec contractCodec() {
        MessageTypes.Builder types = MessageTypes.builder();
        for (Class<? extends Message<?>> type : BrokerContractSupport.messageTypes()) {
            types.add("contract." + type.getSimpleName(), type);
        }
        return JacksonMessageCodec.of(types.build());
    }

    /** Starts {@code n} nodes with the contract's codec. */
    List<DistributedMessageBroker> start(int n) throws IOException, InterruptedException {
        return start(n, contractCodec(), b -> b);
    }

    List<DistributedMessageBroker> start(int n, MessageCodec codec,
                                         UnaryOperator<DistributedMessageBroker.Builder> settings)
            throws IOException, InterruptedException {
        List<DistributedMessageBroker> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(startNode(i % cluster.size(), codec, settings));
        }
        return started;
    }

    DistributedMessageBroker startNode(int server, MessageCodec codec,
                                       UnaryOperator<DistributedMessageBroker.Builder> settings)
            throws IOException, InterruptedException {
        Connection c = Nats.connect(cluster.clientOptions(server).reportNoResponders()
                .connectionTimeout(Duration.ofSeconds(5)).build());
        connections.add(c);
        DistributedMessageBroker node = settings.apply(DistributedMessageBroker.builder(c, codec).prefix(prefix)
                .replicas(Math.min(3, cluster.size()))).start();
        nodes.add(node);
        return node;
    }

    /** A contract fixture over {@code n} new nodes; closing it closes them and drops the registry. */
    ActorSystemFixture fixture(int n) throws IOException, InterruptedException {
        List<? extends BrokerNode> started = start(n);
        return new ActorSystemFixture(started) {
            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    NatsNodes.this.close();
                }
            }
        };
    }

    @Override
    public void close() {
        nodes.forEach(DistributedMessageBroker::close);
        try {
            if (!connections.isEmpty() && connections.get(0).getStatus() == Connection.Status.CONNECTED) {
                connections.get(0).keyValueManagement().delete(prefix + "-registry");
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            System.getLogger("io.airssys.rt.nats").log(System.Logger.Level.DEBUG, "dropping a test registry", e);
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connections.clear();
        nodes.clear();
    }
}
