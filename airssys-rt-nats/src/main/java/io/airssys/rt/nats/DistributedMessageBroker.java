package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Registration;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.BrokerListener;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;
import io.airssys.rt.broker.Topics;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorDirectory;
import io.airssys.rt.spi.MessageCodec;
import io.nats.client.Connection;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.nats");

    private final Connection connection;
    private final boolean ownsConnection;
    private final MessageCodec codec;
    private final Duration defaultTimeout;
    private final Duration registryPatience;
    private final InMemoryMessageBroker local;
    private final ClusterRegistry registry;
    private final String instance = UUID.randomUUID().toString();
    private final int node;
    private final ClusterDirectory directory;
    private final NatsKeyValueWatchSubscription watch;
    private final RemoteCalls remote;
    private final NodeEndpoint endpoint;
    private final OwnActors owned;
    private final ClusterFanout fanout;
    private final NodeLiveness liveness;
    private final ExecutorService waiting = Executors.newVirtualThreadPerTaskExecutor();
    private final RegistryPipeline pipeline = new RegistryPipeline(waiting, REGISTRATION_WINDOW);
    private final AtomicBoolean closed = new AtomicBoolean();

    private DistributedMessageBroker(Builder b) throws IOException, InterruptedException,
            java.util.concurrent.TimeoutException {
        this.connection = b.connection;
        this.ownsConnection = b.ownsConnection;
        this.codec = b.codec;
        this.defaultTimeout = b.defaultTimeout;
        this.registryPatience = b.registryPatience;
        InMemoryMessageBroker.Builder localPart = InMemoryMessageBroker.builder().defaultTimeout(defaultTimeout)
                .localPartOf(() -> this, this::stoppedHere);
        if (b.instrumentation != null) {
            localPart.instrumentation(b.instrumentation);
        }
        this.local = localPart.build();
        this.registry = ClusterRegistry.open(connection, b.prefix.replace('.', '-') + "-registry", b.replicas);
        this.node = registry.claimNode(instance);
        if (ActorId.currentNode() == 0) {
            ActorId.useNode(node); // ids this JVM generates from now on cannot collide with another node's
        }
        this.directory = new ClusterDirectory(node, local);
        try {
            this.watch = registry.kv().watchAll(directory);
        } catch (io.nats.client.JetStreamApiException e) {
            throw new IOException("cannot watch the registry: " + e.getErrorDescription(), e);
        }
        this.remote = new RemoteCalls(connection, codec, b.prefix);
        this.owned = new OwnActors(local, registry, directory, node);
        this.fanout = new ClusterFanout(local, remote, node, defaultTimeout);
        this.endpoint = new NodeEndpoint(connection, Wire.nodeSubject(b.prefix, node), local, codec, owned);
        connection.flush(Duration.ofSeconds(5)); // the subscription is on the server before register() can return
        catchUp();
        this.liveness = new NodeLiveness(registry, directory, node, instance, b.heartbeat, b.deadAfter, why -> {
            LOG.log(System.Logger.Level.ERROR, "closing this node: {0}", why);
            Thread.ofVirtual().start(this::close); // not on the liveness thread, which close() stops
        });
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
        return node;
    }

    // ------------------------------------------------------------------ registration

    @Override
    public void register(ActorId actorId, Mailbox<?> mailbox) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(mailbox, "mailbox");
        checkOpen(actorId, "register " + actorId);
        long revision = ClusterRegistry.io(() -> registry.createActor(actorId, node), actorId, "register " + actorId);
        try {
            local.register(actorId, mailbox);
        } catch (RuntimeException e) {
            ClusterRegistry.io(() -> registry.deleteActor(actorId, revision), actorId, "undo the registration of " + actorId);
            throw e;
        }
        directory.registeredHere(actorId, revision);
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
        Map<ActorId, RuntimeException> refused = new ConcurrentHashMap<>();
        pipeline.run(mailboxes.entrySet(), e -> {
            try {
                register(e.getKey(), e.getValue());
            } catch (RuntimeException failed) {
                refused.put(e.getKey(), failed);
            }
        }, e -> refused.put(e.getKey(), closedError(e.getKey(), "register " + e.getKey())));
        return Map.copyOf(refused);
    }

    @Override
    public void unregister(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        checkOpen(actorId, "unregister " + actorId);
        ClusterDirectory.Entry e = find(actorId);
        if (e == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId + " is not registered in the cluster");
        }
        if (e.node() == node) {
            owned.unregister(actorId);
        } else {
            join(remote.request(e.node(), Wire.op(Wire.Op.UNREGISTER, actorId), new byte[0], defaultTimeout,
                    actorId, "unregister"));
        }
    }

    // ------------------------------------------------------------------ delivery

    @Override
    public <R> CompletableFuture<R> send(ActorId actorId, Message<R> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError(actorId, "send to " + actorId));
        }
        ClusterDirectory.Entry e = directory.entry(actorId);
        if (e != null) {
            return sendTo(e, message, options);
        }
        // an id this node has not seen: catch up with the registry off the caller's thread
        return CompletableFuture.supplyAsync(() -> find(actorId), waiting).thenCompose(found -> found == null
                ? local.send(actorId, message, options) // not in the cluster: fails, counted and dead-lettered here
                : sendTo(found, message, options));
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> sendTo(ClusterDirectory.Entry e, Message<R> message, SendOptions options) {
        if (e.node() == node) {
            return local.send(e.id(), message, options);
        }
        Duration timeout = timeoutOf(options, defaultTimeout);
        try {
            Wire.Meta h = Wire.request(Wire.Op.SEND, e.id(), remote.typeName(message, e.id()),
                    priorityOf(options, Priority.NORMAL), timeout.toMillis(), options.headers());
            return (CompletableFuture<R>) (CompletableFuture<?>) remote.request(e.node(), h,
                    remote.encode(message, e.id()), timeout, e.id(), message.getClass().getSimpleName());
        } catch (DeliveryException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    @Override
    public void trySend(ActorId actorId, Message<Void> message, SendOptions options) {
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (closed.get()) { // NOTE: not checkOpen(id, "..." + id): that built a string per send (JFR)
            throw closedError(actorId, "trySend to " + actorId);
        }
        ClusterDirectory.Entry e = find(actorId);
        if (e == null) {
            local.trySend(actorId, message, options); // not in the cluster: throws, counted and dead-lettered here
            return;
        }
        if (e.node() == node) {
            local.trySend(actorId, message, options);
            return;
        }
        long remaining = options.timeout() == null ? 0 : Math.max(1, options.timeout().toMillis());
        Wire.Meta h = Wire.request(Wire.Op.TELL, actorId, remote.typeName(message, actorId),
                priorityOf(options, Priority.NORMAL), remaining, options.headers());
        remote.publish(e.node(), h, remote.encode(message, actorId), actorId);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcast(Message<R> message, SendOptions options) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        return broadcastTo(message, id -> true, options);
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> broadcastFilter(Message<R> message, Predicate<ActorId> filter,
                                                                 SendOptions options) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        return broadcastTo(message, filter, options);
    }

    private <R> CompletableFuture<List<Reply<R>>> broadcastTo(Message<R> message, Predicate<ActorId> filter,
                                                             SendOptions options) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError(null, "broadcast " + message.getClass().getSimpleName()));
        }
        return CompletableFuture.supplyAsync(() -> {
            catchUp();
            List<ClusterDirectory.Entry> targets = new ArrayList<>();
            for (ClusterDirectory.Entry e : directory.entries()) {
                if (filter.test(e.id())) {
                    targets.add(e);
                }
            }
            return targets;
        }, waiting).thenCompose(targets -> fanout.fanOut(message, targets, options, null));
    }

    // ------------------------------------------------------------------ topics

    @Override
    public void subscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        checkOpen(actorId, "subscribe " + actorId + " to '" + pattern + "'");
        ClusterDirectory.Entry e = find(actorId);
        if (e == null) {
            throw new BrokerException(BrokerError.NOT_FOUND, actorId, actorId
                    + " is not registered; register it before subscribing it to '" + pattern + "'");
        }
        if (e.node() == node) {
            owned.subscribe(actorId, pattern);
        } else {
            Wire.Meta h = Wire.op(Wire.Op.SUBSCRIBE, actorId).pattern(pattern);
            join(remote.request(e.node(), h, new byte[0], defaultTimeout, actorId, "subscribe"));
        }
    }

    @Override
    public boolean unsubscribe(ActorId actorId, String pattern) {
        Objects.requireNonNull(actorId, "actorId");
        Topics.checkPattern(pattern);
        ClusterDirectory.Entry e = find(actorId);
        if (e == null) {
            return false;
        }
        if (e.node() == node) {
            return owned.unsubscribe(actorId, pattern);
        }
        Wire.Meta h = Wire.op(Wire.Op.UNSUBSCRIBE, actorId).pattern(pattern);
        return Boolean.TRUE.equals(join(remote.request(e.node(), h, new byte[0], defaultTimeout, actorId,
                "unsubscribe")));
    }

    @Override
    public List<String> subscriptions(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        ClusterDirectory.Entry e = find(actorId);
        if (e == null) {
            return List.of();
        }
        if (e.node() == node) {
            return local.subscriptions(actorId);
        }
        Object lines = join(remote.request(e.node(), Wire.op(Wire.Op.SUBSCRIPTIONS, actorId), new byte[0],
                defaultTimeout, actorId, "subscriptions"));
        String s = (String) lines;
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    @Override
    public <R> CompletableFuture<R> sendWithRouting(RoutingKey key, Message<R> message, SendOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError(null, "route " + message.getClass().getSimpleName()
                    + " to '" + key.topic() + "'"));
        }
        SendOptions withPriority = options.priority() == null ? options.withPriority(key.priority()) : options;
        return CompletableFuture.supplyAsync(() -> {
            catchUp();
            return directory.subscribersOf(key.topic());
        }, waiting).thenCompose(subscribers -> {
            if (subscribers.isEmpty()) {
                return local.sendWithRouting(key, message, options); // fails and dead-letters NO_SUBSCRIBER here
            }
            ClusterDirectory.Entry chosen = subscribers.get(ThreadLocalRandom.current().nextInt(subscribers.size()));
            return sendTo(chosen, message, withPriority);
        });
    }

    @Override
    public <R> CompletableFuture<List<Reply<R>>> publish(String topic, Message<R> message, SendOptions options) {
        Topics.checkConcrete(topic);
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedError(null, "publish to '" + topic + "'"));
        }
        return CompletableFuture.supplyAsync(() -> {
            catchUp();
            return directory.subscribersOf(topic);
        }, waiting).thenCompose(subscribers -> subscribers.isEmpty()
                ? local.publish(topic, message, options) // an empty list, dead-lettered NO_SUBSCRIBER here
                : fanout.fanOut(message, subscribers, options, topic));
    }

    // ------------------------------------------------------------------ node-local

    @Override
    public DeadLetterQueue deadLetters() {
        return local.deadLetters();
    }

    @Override
    public Registration addListener(BrokerListener listener) {
        return local.addListener(listener);
    }

    @Override
    public BrokerMetrics metrics() {
        return local.metrics();
    }

    @Override
    public ActorDirectory directory() {
        return directory;
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
        checkOpen(null, "read the cluster's metrics");
        catchUp();
        List<CompletableFuture<BrokerMetrics>> parts = new ArrayList<>();
        for (int n : directory.claims().keySet()) {
            parts.add(n == node ? CompletableFuture.completedFuture(local.metrics())
                    : remote.request(n, Wire.op(Wire.Op.METRICS, null), new byte[0], defaultTimeout, null, "metrics")
                            .thenApply(line -> Wire.metrics((String) line)));
        }
        int actors = 0;
        long sent = 0;
        long delivered = 0;
        long failed = 0;
        long latency = 0;
        for (CompletableFuture<BrokerMetrics> p : parts) {
            BrokerMetrics m = join(p);
            actors += m.registeredActors();
            sent += m.totalSent();
            delivered += m.totalDelivered();
            failed += m.totalFailed();
            latency += m.avgRoutingLatencyNs();
        }
        return new BrokerMetrics(actors, sent, delivered, failed, parts.isEmpty() ? 0 : latency / parts.size());
    }

    // ------------------------------------------------------------------ queries

    @Override
    public boolean isRegistered(ActorId actorId) {
        Objects.requireNonNull(actorId, "actorId");
        return find(actorId) != null;
    }

    @Override
    public int registeredCount() {
        catchUp();
        return directory.size();
    }

    @Override
    public List<ActorId> actorIds() {
        catchUp();
        return directory.actorIds();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes this node: its actors stop (every future they held completes) and leave the
     * registry, every request this node still waits on fails with {@code ACTOR_STOPPED}, its
     * subscription and node number are released. Other nodes go on. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean revoked = false;
        try {
            liveness.close();
            endpoint.close();
            // NOTE: only entries this node still owns, and none once its claim was revoked: a
            // survivor already removed them, and an id may since be registered elsewhere
            // (NodeFailureTest: a hung node that resumes must not delete the survivor's entries).
            revoked = !directory.claimed(node);
            // the removals are pipelined like registerAll: a node with 100,000 actors must not
            // take a round trip per actor, one after another, to close
            try {
                pipeline.run(revoked ? List.<ActorId>of() : local.actorIds(), this::forgetOnClose, this::forgetOnClose);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt(); // close goes on: the local actors must stop
            }
            local.close();
            remote.failAll("the caller's node closed before the answer came");
            try {
                if (!revoked) {
                    registry.releaseNode(node);
                }
            } catch (IOException | RuntimeException failed) {
                LOG.log(System.Logger.Level.WARNING, "could not release node " + node, failed);
            }
        } finally {
            try {
                watch.unsubscribe();
            } catch (RuntimeException ignored) {
                // the connection may already be gone
            }
            directory.clear(); // a closed node is out of the cluster: its queries see no actor
            waiting.shutdown();
            if (ownsConnection) {
                try {
                    connection.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Removes one of this node's actors and its subscriptions from the registry, as the node closes. */
    private void forgetOnClose(ActorId id) {
        List<String> patterns = local.subscriptions(id);
        ClusterDirectory.Entry e = directory.entry(id);
        if (e == null || e.node() != node) {
            return;
        }
        try {
            registry.deleteSubscriptions(id, patterns);
            registry.deleteActor(id, e.revision());
        } catch (IOException | RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "could not remove " + id + " from the registry", failed);
        }
    }

    /** One of this node's actors stopped on its own: the cluster lets go of it too (off the actor's thread). */
    private void stoppedHere(ActorId id) {
        waiting.execute(() -> {
            try {
                owned.forget(id);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not remove the stopped actor " + id + " from the registry", e);
            }
        });
    }

    /** This node's liveness, for fault tests that make a node hang. */
    NodeLiveness liveness() {
        return liveness;
    }

    // ------------------------------------------------------------------ helpers

    /** The entry of {@code id}, catching up with the registry once if this node has not seen it. */
    private ClusterDirectory.Entry find(ActorId id) {
        ClusterDirectory.Entry e = directory.entry(id);
        if (e == null) {
            catchUp();
            e = directory.entry(id);
        }
        return e;
    }

    private void catchUp() {
        if (closed.get()) {
            return; // the watch has stopped: a closed node answers from its last view
        }
        long last = ClusterRegistry.io(registry::lastRevision, null, "read the registry");
        try {
            if (!directory.catchUp(last, registryPatience)) {
                throw new BrokerException(BrokerError.ROUTING_FAILED, null, "this node's view of the registry did not"
                        + " reach revision " + last + " within " + registryPatience.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(BrokerError.ROUTING_FAILED, null, "interrupted while reading the registry");
        }
    }

    /** The time a request to another node gets: its own timeout, else the default; never none. */
    static Duration timeoutOf(SendOptions options, Duration defaultTimeout) {
        if (options.hasNoTimeout()) {
            return defaultTimeout; // across the wire every request has a deadline
        }
        Duration t = options.timeout();
        if (t == null) {
            return defaultTimeout;
        }
        if (t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + t);
        }
        return t;
    }

    static Priority priorityOf(SendOptions options, Priority otherwise) {
        return options.priority() == null ? otherwise : options.priority();
    }

    private void checkOpen(ActorId id, String what) {
        if (closed.get()) {
            throw closedError(id, what);
        }
    }

    private static BrokerException closedError(ActorId id, String what) {
        return new BrokerException(BrokerError.BROKER_CLOSED, id,
                "cannot " + what + ": this DistributedMessageBroker node is closed");
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
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
                return new DistributedMessageBroker(this);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the NATS server did not confirm this node's subscription within 5 s", e);
            }
        }
    }
}
