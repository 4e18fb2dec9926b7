package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Registration;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.BrokerListener;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.broker.SendOptions;
import io.airssys.rt.broker.Topics;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorDirectory;
import io.airssys.rt.spi.MessageCodec;
import io.nats.client.Connection;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The {@link io.airssys.rt.broker.MessageBroker} API across JVMs, on a NATS cluster (spec:
 * {@code DistributedMessageBroker}). Each instance is one <em>node</em>: its actors live in its
 * own {@link InMemoryMessageBroker}, and NATS carries only what goes between nodes. A send to an
 * actor of this node never touches the network.
 *
 * <ul>
 *   <li><b>Registry</b>: a JetStream key-value bucket maps every actor id to its node
 *       ({@link ClusterRegistry}); {@code register} is atomic across the cluster (of N nodes
 *       registering one id, exactly one wins; the others get {@code ALREADY_REGISTERED}), and the
 *       entries' revisions are the cluster's registration order. Every node watches the bucket and
 *       keeps a directory ({@link #directory()}), so the send path does not ask the network where
 *       an actor lives.</li>
 *   <li><b>Transport</b>: one NATS subscription per node ({@code <prefix>.node.<n>}), however many
 *       actors it has. A request carries the target, the message's registered type name, its
 *       priority, the time left and the sender's headers; the reply carries the result or the typed
 *       failure. The receiving node applies priority and overflow in the actor's own mailbox.</li>
 *   <li><b>Codec</b>: messages and replies cross as the {@link MessageCodec}'s bytes, only for
 *       registered types (an allow-list); never Java serialization.</li>
 * </ul>
 *
 * <p>Delivery across the wire is at most once: a message is processed once or its caller gets a
 * typed error; a reply that does not come in time is a {@code TIMEOUT}, after which the receiving
 * node skips the message if it has not started. Every request has a deadline (this broker always
 * has a default timeout), so no future hangs.
 *
 * <p>Freshness: a node learns of other nodes' registrations through its watch. A query
 * ({@code isRegistered} of an unknown id, {@code registeredCount}, {@code actorIds}), a broadcast,
 * a publish, and a send to an id this node has not seen first catch up with the registry (one
 * round trip), so they see every registration that completed before they started, anywhere.
 *
 * <p>{@link #metrics()}, {@link #deadLetters()} and {@link #addListener} are this node's: the
 * counters of the messages its actors received (from any node), the messages that died here, the
 * sends its local broker made.
 */
public final class DistributedMessageBroker implements BrokerNode {

    /** The default request timeout, in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 30;

    /** How many registrations {@link #registerAll} keeps in flight together. */
    public static final int REGISTRATION_WINDOW = 128;

    private final NodeWiring n;
    private final RemoteSends sends;

    private DistributedMessageBroker(NodeSettings settings) throws IOException, InterruptedException,
            java.util.concurrent.TimeoutException {
        this.n = new NodeWiring(settings, () -> this);
        this.sends = new RemoteSends(n.local, n.remote, n.node, n.defaultTimeout);
    }

    /**
     * Starts configuring a node on {@code connection} (the caller keeps owning it: this broker
     * never closes it). Credentials, TLS and reconnection are the connection's
     * {@link io.nats.client.Options}; never put credentials in a server URL that may be logged.
     *
     * @param connection a connection to the NATS cluster (JetStream enabled)
     * @param codec      how messages and replies cross between nodes
     * @return a builder
     */
    public static Builder builder(Connection connection, MessageCodec codec) {
        return new Builder(Objects.requireNonNull(connection, "connection"), false,
                Objects.requireNonNull(codec, "codec"));
    }

    /**
     * Returns this node's number in the cluster (claimed in the registry when it started).
     *
     * @return 1 to {@link ActorId#MAX_NODE}
     */
    public int node() {
        return n.node;
    }

    // ------------------------------------------------------------------ registration

    @Override
    public void register(ActorId actorId, Mailbox<?> mailbox) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(mailbox, "mailbox");
        n.register(actorId, mailbox);
    }

    /**
     * Registers many actors at once, their registry round trips pipelined: up to
     * {@value #REGISTRATION_WINDOW} are in flight together instead of one after another, so
     * registering thousands of actors takes a fraction of the time {@link #register} one by one
     * would. Each registration is what {@link #register} does (atomic across the cluster: of
     * several nodes registering one id exactly one wins) and succeeds or fails on its own. Their
     * registration order among themselves ({@link #actorIds()}, broadcasts) is the order the
     * registry accepted them, not the map's. Attach actors with {@code ActorSystem.attach} once
     * this returns.
     *
     * @param mailboxes the ids and their mailboxes (not registered anywhere yet)
     * @return the registrations that were refused, by id, with the exception {@link #register}
     *         would have thrown ({@code ALREADY_REGISTERED}, a closed broker, a mailbox of another
     *         broker...); empty if every actor is registered
     * @throws InterruptedException if interrupted while registrations were in flight (those that
     *                              completed stay registered; the others may or may not be)
     */
    public Map<ActorId, RuntimeException> registerAll(Map<ActorId, ? extends Mailbox<?>> mailboxes)
            throws InterruptedException {
        Objects.requireNonNull(mailboxes, "mailboxes");
        mailboxes.forEach((id, mailbox) -> {
            Objects.requireNonNull(id, "an actor id in mailboxes");
            Objects.requireNonNull(mailbox, "the mailbox of " + id);
        });
        return n.registerAll(mailboxes);
    }

    @Override
    public void unregister(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        n.checkOpen(actorId, "unregister " + actorId);
        ClusterDirectory.Entry e = n.find(actorId);
        if (e == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId + " is not registered in the cluster");
        }
        if (e.node() == n.node) {
            n.owned.unregister(actorId);
        } else {
            sends.unregister(e);
        }
    }

    // ------------------------------------------------------------------ delivery

    @Override
    public <R> CompletableFuture<R> send(ActorId actorId, Message<R> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (n.isClosed()) {
            return n.closedFuture(actorId, "send to " + actorId);
        }
        ClusterDirectory.Entry e = n.directory.entry(actorId);
        if (e != null) {
            return sends.sendTo(e, message, options);
        }
        // an id this node has not seen: catch up with the registry off the caller's thread
        return CompletableFuture.supplyAsync(() -> n.find(actorId), n.waiting).thenCompose(found -> found == null
                ? n.local.send(actorId, message, options) // not in the cluster: fails, counted and dead-lettered here
                : sends.sendTo(found, message, options));
    }

    @Override
    public void trySend(ActorId actorId, Message<Void> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (n.isClosed()) { // NOTE: not checkOpen(id, "..." + id): that built a string per send (JFR)
            throw NodeWiring.closedError(actorId, "trySend to " + actorId);
        }
        ClusterDirectory.Entry e = n.find(actorId);
        if (e == null) {
            n.local.trySend(actorId, message, options); // not in the cluster: throws, counted and dead-lettered here
            return;
        }
        sends.trySendTo(e, message, options);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcast(Message<R> message, SendOptions options) {
        return broadcastFilter(message, id -> true, options);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcastFilter(Message<R> message, Predicate<ActorId> filter,
                                                                 SendOptions options) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        if (n.isClosed()) {
            return n.closedFuture(null, "broadcast " + message.getClass().getSimpleName());
        }
        return n.caughtUp(() -> n.directory.entries().stream().filter(e -> filter.test(e.id())).toList())
                .thenCompose(targets -> n.fanout.fanOut(message, targets, options, null));
    }

    // ------------------------------------------------------------------ topics

    @Override
    public void subscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        n.checkOpen(actorId, "subscribe " + actorId + " to '" + pattern + "'");
        ClusterDirectory.Entry e = n.find(actorId);
        if (e == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId
                    + " is not registered; register it before subscribing it to '" + pattern + "'");
        }
        if (e.node() == n.node) {
            n.owned.subscribe(actorId, pattern);
        } else {
            sends.subscribe(e, pattern);
        }
    }

    @Override
    public boolean unsubscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        ClusterDirectory.Entry e = n.find(actorId);
        if (e == null) {
            return false;
        }
        return e.node() == n.node ? n.owned.unsubscribe(actorId, pattern) : sends.unsubscribe(e, pattern);
    }

    @Override
    public List<String> subscriptions(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        ClusterDirectory.Entry e = n.find(actorId);
        if (e == null) {
            return List.of();
        }
        return e.node() == n.node ? n.local.subscriptions(actorId) : sends.subscriptions(e);
    }

    @Override
    public <R> CompletableFuture<R> sendWithRouting(RoutingKey key, Message<R> message, SendOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (n.isClosed()) {
            return n.closedFuture(null, "route " + message.getClass().getSimpleName() + " to '" + key.topic() + "'");
        }
        SendOptions withPriority = options.priority() == null ? options.withPriority(key.priority()) : options;
        return n.caughtUp(() -> n.directory.subscribersOf(key.topic())).thenCompose(subscribers -> subscribers.isEmpty()
                ? n.local.sendWithRouting(key, message, options) // fails and dead-letters NO_SUBSCRIBER here
                : sends.sendToOneOf(subscribers, message, withPriority));
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> publish(String topic, Message<R> message, SendOptions options) {
        Topics.checkConcrete(topic);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (n.isClosed()) {
            return n.closedFuture(null, "publish to '" + topic + "'");
        }
        return n.caughtUp(() -> n.directory.subscribersOf(topic)).thenCompose(subscribers -> subscribers.isEmpty()
                ? n.local.publish(topic, message, options) // an empty list, dead-lettered NO_SUBSCRIBER here
                : n.fanout.fanOut(message, subscribers, options, topic));
    }

    // ------------------------------------------------------------------ node-local

    @Override
    public DeadLetterQueue deadLetters() {
        return n.local.deadLetters();
    }

    @Override
    public Registration addListener(BrokerListener listener) {
        return n.local.addListener(listener);
    }

    @Override
    public BrokerMetrics metrics() {
        return n.local.metrics();
    }

    @Override
    public ActorDirectory directory() {
        return n.directory;
    }

    /**
     * Returns the counters of the whole cluster: every node's {@link #metrics()} (asked of each
     * live node, one request per node), summed; the routing latency is the mean of the nodes'.
     * A message sent from one node to another is counted once, by the node it was delivered to.
     *
     * @return the sum of every node's counters at about the same moment
     * @throws BrokerException     with {@code BROKER_CLOSED} if this node is closed
     * @throws DeliveryException   if a node does not answer within the default timeout
     */
    public BrokerMetrics clusterMetrics() {
        n.checkOpen(null, "read the cluster's metrics");
        n.catchUp();
        return sends.clusterMetrics(n.directory.claims().keySet());
    }

    // ------------------------------------------------------------------ queries

    @Override
    public boolean isRegistered(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        return n.find(actorId) != null;
    }

    @Override
    public int registeredCount() {
        n.catchUp();
        return n.directory.size();
    }

    @Override
    public List<ActorId> actorIds() {
        n.catchUp();
        return n.directory.actorIds();
    }

    @Override
    public boolean isClosed() {
        return n.isClosed();
    }

    /**
     * Closes this node: its actors stop (every future they held completes) and leave the
     * registry, every request this node still waits on fails with {@code ACTOR_STOPPED}, its
     * subscription and node number are released. Other nodes go on. Idempotent.
     */
    @Override
    public void close() {
        n.close();
    }

    /** This node's queues of remote fire-and-forget messages, for tests that see batching. */
    OutboundBatches outbound() {
        return n.outbound();
    }

    /** This node's liveness, for fault tests that make a node hang. */
    NodeLiveness liveness() {
        return n.liveness();
    }

    /** Configures a {@link DistributedMessageBroker}. */
    public static final class Builder {
        private final Connection connection;
        private final boolean ownsConnection;
        private final MessageCodec codec;
        private String prefix = "airssys";
        private int replicas = 1;
        private Duration defaultTimeout = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        private Duration registryPatience = Duration.ofSeconds(5);
        private Duration heartbeat = Duration.ofMillis(200);
        private Duration deadAfter = Duration.ofSeconds(1);
        private Instrumentation instrumentation;

        private Builder(Connection connection, boolean ownsConnection, MessageCodec codec) {
            this.connection = connection;
            this.ownsConnection = ownsConnection;
            this.codec = codec;
        }

        /**
         * Sets the prefix of this cluster's subjects and registry bucket (default {@code airssys}):
         * brokers with different prefixes on one NATS cluster do not see each other.
         *
         * @param prefix letters, digits, {@code -} and {@code _}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("prefix must be 1..64 letters, digits, - or _, was '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * Sets the registry bucket's replicas when this node creates it (default 1; 3 on a 3-server
         * cluster so the registry survives a server).
         *
         * @param replicas 1 to 5
         * @return this builder
         */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas must be between 1 and 5, was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /**
         * Sets the timeout of requests without their own (default {@value #DEFAULT_TIMEOUT_SECONDS} s).
         * There is no "no timeout" across the wire: a request to another node always has a deadline.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder defaultTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * Sets how long a catch-up with the registry may wait for this node's watch (default 5 s).
         *
         * @param patience positive
         * @return this builder
         */
        public Builder registryPatience(Duration patience) {
            Objects.requireNonNull(patience, "patience");
            if (patience.isNegative() || patience.isZero()) {
                throw new IllegalArgumentException("registryPatience must be positive, was " + patience);
            }
            this.registryPatience = patience;
            return this;
        }

        /**
         * Installs instrumentation on this node ({@code InMemoryMessageBroker.Builder.instrumentation}):
         * its hooks see every message delivered to an actor of this node, whether a caller on this
         * node or on another one sent it (a message from another node is "sent" on this node's
         * NATS thread when it arrives, and its queued time starts there), and the actors of this
         * node as they register and leave. A send from this node to an actor on another node is
         * seen by that node's instrumentation, not by this one's.
         *
         * @param instrumentation the hooks
         * @return this builder
         */
        public Builder instrumentation(Instrumentation instrumentation) {
            Objects.requireNonNull(instrumentation, "instrumentation");
            if (this.instrumentation != null) {
                throw new IllegalStateException("instrumentation was already set; combine several with"
                        + " Instrumentation.compose(...)");
            }
            this.instrumentation = instrumentation;
            return this;
        }

        /**
         * Sets how often this node writes its heartbeat and how long a node may be silent before
         * a survivor declares it dead and removes its actors from the registry (defaults 200 ms and
         * 1 s). A node that exits or crashes is noticed sooner by callers ("no responders"); these
         * govern a node that hangs, and the registry cleanup.
         *
         * @param interval  the heartbeat period, positive
         * @param deadAfter the silence that declares a node dead, at least three periods
         * @return this builder
         */
        public Builder liveness(Duration interval, Duration deadAfter) {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(deadAfter, "deadAfter");
            if (interval.isNegative() || interval.isZero() || deadAfter.compareTo(interval.multipliedBy(3)) < 0) {
                throw new IllegalArgumentException("the heartbeat must be positive and deadAfter at least three"
                        + " heartbeats, were " + interval + " and " + deadAfter);
            }
            this.heartbeat = interval;
            this.deadAfter = deadAfter;
            return this;
        }

        /**
         * Starts the node: opens (or creates) the registry, claims a node number, watches the
         * registry and subscribes to this node's subject.
         *
         * @return the running node
         * @throws IOException if the cluster cannot be reached or has no JetStream
         * @throws InterruptedException if interrupted while starting
         */
        public DistributedMessageBroker start() throws IOException, InterruptedException {
            try {
                return new DistributedMessageBroker(new NodeSettings(connection, ownsConnection, codec, prefix,
                        replicas, defaultTimeout, registryPatience, heartbeat, deadAfter, instrumentation));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the NATS server did not confirm this node's subscription within 5 s", e);
            }
        }
    }
}
