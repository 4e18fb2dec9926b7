package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The parts of one node and the order they start and stop in: everything
 * {@link DistributedMessageBroker} delegates to, wired once.
 *
 * <p>Start: the local in-memory broker, the registry bucket, a node number claimed in it, the
 * directory and its watch, the calling side ({@link RemoteCalls}, {@link OutboundBatches}) and
 * the receiving side ({@link NodeEndpoint}), a flush so the node's subscription is on the server
 * before the first {@code register} can return, one catch-up with the registry, and last the
 * heartbeats ({@link NodeLiveness}), which may close the node.
 *
 * <p>Close, once: the queued fire-and-forget messages leave first (while the connection is
 * surely open), then the heartbeats stop, the subscription goes, this node's actors leave the
 * registry (pipelined), the local broker closes (every future its actors held completes), the
 * requests still waiting fail, the node number is released; whatever failed on the way, the
 * watch stops and the directory empties.
 */
final class NodeWiring {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.nats");

    private final Connection connection;
    final Duration defaultTimeout;
    final InMemoryMessageBroker local;
    final int node;
    final ClusterDirectory directory;
    final RemoteCalls remote;
    final OwnActors owned;
    final ClusterFanout fanout;
    private final ClusterRegistry registry;
    final ExecutorService waiting = Executors.newVirtualThreadPerTaskExecutor();
    private final RegistryPipeline pipeline = new RegistryPipeline(waiting, DistributedMessageBroker.REGISTRATION_WINDOW);
    private final boolean ownsConnection;
    private final Duration registryPatience;
    private final String instance = UUID.randomUUID().toString();
    private final NatsKeyValueWatchSubscription watch;
    private final OutboundBatches outbound;
    private final NodeEndpoint endpoint;
    private final NodeLiveness liveness;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Starts a node.
     *
     * @param facade the broker the node's actors see as theirs ({@code ctx.broker()})
     */
    NodeWiring(NodeSettings s, Supplier<? extends BrokerNode> facade) throws IOException, InterruptedException,
            TimeoutException {
        this.connection = s.connection();
        this.ownsConnection = s.ownsConnection();
        this.defaultTimeout = s.defaultTimeout();
        this.registryPatience = s.registryPatience();
        InMemoryMessageBroker.Builder localPart = InMemoryMessageBroker.builder().defaultTimeout(defaultTimeout)
                .localPartOf(facade, this::stoppedHere);
        if (s.instrumentation() != null) {
            localPart.instrumentation(s.instrumentation());
        }
        this.local = localPart.build();
        this.registry = ClusterRegistry.open(connection, s.prefix().replace('.', '-') + "-registry", s.replicas());
        this.node = registry.claimNode(instance);
        if (ActorId.currentNode() == 0) {
            ActorId.useNode(node); // ids this JVM generates from now on cannot collide with another node's
        }
        this.directory = new ClusterDirectory(node, local);
        try {
            this.watch = registry.kv().watchAll(directory);
        } catch (JetStreamApiException e) {
            throw new IOException("cannot watch the registry: " + e.getErrorDescription(), e);
        }
        this.outbound = new OutboundBatches(connection, s.prefix(), node, local.deadLetters());
        this.remote = new RemoteCalls(connection, s.codec(), s.prefix(), outbound);
        this.owned = new OwnActors(local, registry, directory, node);
        this.fanout = new ClusterFanout(local, remote, node, defaultTimeout);
        this.endpoint = new NodeEndpoint(connection, Wire.nodeSubject(s.prefix(), node), local, s.codec(), owned);
        try {
            connection.flush(Duration.ofSeconds(5)); // the subscription is on the server before register() can return
            catchUp();
        } catch (TimeoutException | InterruptedException | RuntimeException e) {
            outbound.close(); // its writer thread must not outlive a node that did not start
            throw e;
        }
        this.liveness = new NodeLiveness(registry, directory, node, instance, s.heartbeat(), s.deadAfter(), why -> {
            LOG.log(System.Logger.Level.ERROR, "closing this node: {0}", why);
            Thread.ofVirtual().start(this::close); // not on the liveness thread, which close() stops
        });
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Throws {@code BROKER_CLOSED} if this node is closed. */
    void checkOpen(ActorId id, String what) {
        if (closed.get()) {
            throw closedError(id, what);
        }
    }

    static BrokerException closedError(ActorId id, String what) {
        return new BrokerException(BrokerError.BROKER_CLOSED, id,
                "cannot " + what + ": this DistributedMessageBroker node is closed");
    }

    /** Registers one of this node's actors in the registry, then in the local broker (undone if that refuses). */
    void register(ActorId actorId, Mailbox<?> mailbox) {
        checkOpen(actorId, "register " + actorId);
        long revision = ClusterRegistry.io(() -> registry.createActor(actorId, node), actorId, "register " + actorId);
        try {
            local.register(actorId, mailbox);
        } catch (RuntimeException e) {
            ClusterRegistry.io(() -> registry.deleteActor(actorId, revision), actorId,
                    "undo the registration of " + actorId);
            throw e;
        }
        directory.registeredHere(actorId, revision);
    }

    /** {@link #register} for each, pipelined; returns the refused ones with their exceptions. */
    Map<ActorId, RuntimeException> registerAll(Map<ActorId, ? extends Mailbox<?>> mailboxes)
            throws InterruptedException {
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

    /** A future failed with {@code BROKER_CLOSED}. */
    <T> CompletableFuture<T> closedFuture(ActorId id, String what) {
        return CompletableFuture.failedFuture(closedError(id, what));
    }

    /** The entry of {@code id}, catching up with the registry once if this node has not seen it. */
    ClusterDirectory.Entry find(ActorId id) {
        ClusterDirectory.Entry e = directory.entry(id);
        if (e == null) {
            catchUp();
            e = directory.entry(id);
        }
        return e;
    }

    /** Waits until this node's directory has every registration the registry had when this began. */
    void catchUp() {
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

    /** Runs {@code query} once this node has caught up with the registry, off the caller's thread. */
    <T> CompletableFuture<T> caughtUp(Supplier<T> query) {
        return CompletableFuture.supplyAsync(() -> {
            catchUp();
            return query.get();
        }, waiting);
    }

    /** The queues of remote fire-and-forget messages, for tests that see batching. */
    OutboundBatches outbound() {
        return outbound;
    }

    /** This node's liveness, for fault tests that make a node hang. */
    NodeLiveness liveness() {
        return liveness;
    }

    /** Closes the node in the order the class comment gives; idempotent. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean revoked = false;
        try {
            outbound.close(); // the queued trySends leave (or are dead-lettered here) while the connection is open
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
}
