package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.benchmarks.Messages;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.nats.DistributedMessageBroker;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.nats.client.Connection;
import io.nats.client.MessageHandler;
import io.nats.client.Nats;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.awaitility.Awaitility.await;

/**
 * A local 3-server NATS cluster (real {@code nats-server} processes, JetStream on) and, for the
 * airssys-rt benchmarks, three broker nodes: node {@code i} connects to server {@code i} only,
 * registry replicas 3, a fresh subject prefix per fixture, so one trial never sees another's
 * actors. Every actor system, connection and server is closed by {@link #close()}.
 *
 * <p>The raw-jnats counterparts use {@link #connect(int)}: a plain connection to one server with
 * the same options the nodes get ({@code reportNoResponders}), and the same payload bytes (the
 * codec's encoding of the same message).
 */
public final class DistributedFixture implements AutoCloseable {

    /** Servers, and broker nodes: one per server. */
    public static final int NODES = 3;

    /** The request timeout of both sides (the nodes' default timeout, and raw jnats requests). */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** How long setup waits for a subscription to be known across the cluster's routes. */
    private static final Duration REACHABLE_WITHIN = Duration.ofSeconds(10);

    /** The codec every node uses: the benchmark messages under stable names. */
    static final MessageCodec CODEC = JacksonMessageCodec.of(MessageTypes.builder()
            .add("bench.Ping", Messages.Ping.class)
            .add("bench.Work", Messages.Work.class)
            .build());

    private final NatsCluster cluster;
    private final String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Connection> connections = new ArrayList<>();
    private final List<DistributedMessageBroker> nodes = new ArrayList<>();
    private final List<ActorSystem> systems = new ArrayList<>();

    private DistributedFixture() {
        this.cluster = NatsCluster.start(NODES);
    }

    /**
     * Starts the cluster only, for raw jnats.
     *
     * @return the fixture
     */
    public static DistributedFixture startCluster() {
        return new DistributedFixture();
    }

    /**
     * Starts the cluster and one broker node (with its actor system) per server.
     *
     * @return the fixture
     * @throws IOException          if a node cannot connect or open the registry
     * @throws InterruptedException if interrupted while starting
     */
    public static DistributedFixture startNodes() throws IOException, InterruptedException {
        DistributedFixture f = new DistributedFixture();
        try {
            for (int i = 0; i < NODES; i++) {
                Connection c = f.connect(i);
                DistributedMessageBroker node = DistributedMessageBroker.builder(c, CODEC)
                        .prefix(f.prefix).replicas(NODES).defaultTimeout(TIMEOUT).start();
                f.nodes.add(node);
                f.systems.add(ActorSystem.builder().broker(node).build());
            }
            return f;
        } catch (IOException | InterruptedException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Opens a connection to server {@code server} only, closed with the fixture.
     *
     * @param server 0 to {@value #NODES} - 1
     * @return the connection
     * @throws IOException          if it cannot connect
     * @throws InterruptedException if interrupted while connecting
     */
    public Connection connect(int server) throws IOException, InterruptedException {
        Connection c = Nats.connect(cluster.clientOptions(server).reportNoResponders()
                .connectionTimeout(Duration.ofSeconds(5)).build());
        connections.add(c);
        return c;
    }

    /**
     * Subscribes {@code handler} to {@code subject} on a new connection to server {@code server}
     * (its own dispatcher thread), confirmed by that server before this returns.
     *
     * @param server  0 to {@value #NODES} - 1
     * @param subject the subject
     * @param handler called for every message, on the dispatcher's thread
     * @return the subscriber's connection (closed with the fixture)
     * @throws IOException          if it cannot connect
     * @throws InterruptedException if interrupted
     * @throws TimeoutException     if the server does not confirm the subscription in time
     */
    Connection subscribe(int server, String subject, MessageHandler handler)
            throws IOException, InterruptedException, TimeoutException {
        Connection c = connect(server);
        c.createDispatcher(handler).subscribe(subject);
        c.flush(TIMEOUT);
        return c;
    }

    /** This fixture's subject prefix. */
    String prefix() {
        return prefix;
    }

    /** Node {@code i}, connected to server {@code i}. */
    DistributedMessageBroker node(int i) {
        return nodes.get(i);
    }

    /** The actor system of node {@code i}. */
    ActorSystem system(int i) {
        return systems.get(i);
    }

    /**
     * Waits until a request from node {@code from} reaches {@code actor} (its node's subscription
     * has crossed the routes to {@code from}'s server), so the first measured message is not lost.
     */
    void awaitReachable(int from, ActorId actor, Message<?> probe) {
        awaitTrue(() -> {
            try {
                nodes.get(from).send(actor, probe).orTimeout(1, TimeUnit.SECONDS).join();
                return true;
            } catch (CompletionException notYet) {
                return false;
            }
        }, "a request from node " + nodes.get(from).node() + " to " + actor);
    }

    /**
     * Retries {@code condition} (which may block briefly) until it holds, for at most
     * {@link #REACHABLE_WITHIN}.
     *
     * @throws IllegalStateException naming {@code what} if it never holds
     */
    static void awaitTrue(BooleanSupplier condition, String what) {
        try {
            await().atMost(REACHABLE_WITHIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(what + " did not get through within " + REACHABLE_WITHIN.toMillis()
                    + " ms: the cluster's routes did not carry the subscription", e);
        }
    }

    /** Closes every actor system (and its node), every connection, then the servers. */
    @Override
    public void close() {
        try {
            for (ActorSystem s : systems) {
                s.close();
            }
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            cluster.close();
        }
    }
}
