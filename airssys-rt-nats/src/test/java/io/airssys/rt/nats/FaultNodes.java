package io.airssys.rt.nats;

import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.spi.MessageCodec;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Broker nodes for the fault tests, each with the {@link Connection} the test may break and an
 * {@link ActorSystem} that spawns its actors. Unlike {@link NatsNodes}, the test chooses every
 * node's connection options (which servers, in which order) and keeps a handle on the connection,
 * since a node "exits" here by closing its connection under a broker that is still open.
 */
final class FaultNodes implements AutoCloseable {

    /** One node: its connection, its broker, its actor system. */
    record Node(Connection connection, DistributedMessageBroker broker, ActorSystem system) {
    }

    private final NatsCluster cluster;
    private final String prefix = "f" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Node> nodes = new ArrayList<>();

    FaultNodes(NatsCluster cluster) {
        this.cluster = cluster;
    }

    /** The NATS subject on which {@code node} receives every request for its actors. */
    String subjectOf(DistributedMessageBroker node) {
        return Wire.nodeSubject(prefix, node.node());
    }

    /**
     * The index of the server that leads the registry's stream (named {@code n<i>} by
     * {@link NatsCluster}), as {@code node} sees it: losing that server stalls the registry until
     * JetStream elects another leader.
     */
    int registryLeader(Node node) throws IOException, JetStreamApiException {
        String leader = node.connection().jetStreamManagement().getStreamInfo("KV_" + prefix + "-registry")
                .getClusterInfo().getLeader();
        return Integer.parseInt(leader.substring(1));
    }

    /** Server {@code first} first, then the others: the client prefers it and fails over to the rest. */
    Options.Builder preferring(int first) {
        Options.Builder options = cluster.clientOptions(first);
        for (int i = 0; i < cluster.size(); i++) {
            if (i != first) {
                options.server(cluster.url(i));
            }
        }
        return options.noRandomize();
    }

    /** Starts a node on a new connection made of {@code options} (no-responders reported, 5 s to connect). */
    Node start(Options.Builder options, MessageCodec codec,
               UnaryOperator<DistributedMessageBroker.Builder> settings) throws IOException, InterruptedException {
        Connection connection = Nats.connect(options.reportNoResponders().connectionTimeout(Duration.ofSeconds(5))
                .build());
        try {
            DistributedMessageBroker broker = settings.apply(DistributedMessageBroker.builder(connection, codec)
                    .prefix(prefix).replicas(Math.min(3, cluster.size()))).start();
            Node node = new Node(connection, broker, ActorSystem.builder().broker(broker).virtualThreads().build());
            nodes.add(node);
            return node;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Node {@code i} on server {@code i % servers}, failing over to the others. */
    List<Node> start(int n, MessageCodec codec, UnaryOperator<DistributedMessageBroker.Builder> settings)
            throws IOException, InterruptedException {
        List<Node> started = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            started.add(start(preferring(i % cluster.size()), codec, settings));
        }
        return started;
    }

    /** Closes every node (its system, so its broker), drops the test's registry, closes the connections. */
    @Override
    public void close() {
        for (Node node : nodes) {
            try {
                node.system().close();
            } catch (RuntimeException e) {
                System.getLogger("io.airssys.rt.nats").log(System.Logger.Level.DEBUG, "closing a fault-test node", e);
            }
        }
        for (Node node : nodes) {
            if (node.connection().getStatus() == Connection.Status.CONNECTED) {
                try {
                    node.connection().keyValueManagement().delete(prefix + "-registry");
                    break;
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    System.getLogger("io.airssys.rt.nats").log(System.Logger.Level.DEBUG, "dropping a registry", e);
                }
            }
        }
        for (Node node : nodes) {
            try {
                node.connection().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        nodes.clear();
    }
}
