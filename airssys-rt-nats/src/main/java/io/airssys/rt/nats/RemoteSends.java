package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.SendOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a call on this node becomes once the directory has said where its actor lives: the local
 * broker's call for an actor of this node, else a message to the owning node (a request with a
 * deadline, or a fire-and-forget {@code TELL}), with the sender's priority, time left and headers.
 * Also the requests about one remote actor (unregister, subscribe, its subscriptions) and the
 * cluster's summed counters.
 */
final class RemoteSends {

    private final BrokerNode local;
    private final RemoteCalls remote;
    private final int node;
    private final Duration defaultTimeout;

    RemoteSends(BrokerNode local, RemoteCalls remote, int node, Duration defaultTimeout) {
        this.local = local;
        this.remote = remote;
        this.node = node;
        this.defaultTimeout = defaultTimeout;
    }

    /** A request-reply send to the actor of {@code e}, wherever it lives. */
    @SuppressWarnings("unchecked")
    <R> CompletableFuture<R> sendTo(ClusterDirectory.Entry e, Message<R> message, SendOptions options) {
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

    /** A request-reply send to one of {@code subscribers}, chosen at random (a routed send). */
    <R> CompletableFuture<R> sendToOneOf(List<ClusterDirectory.Entry> subscribers, Message<R> message,
                                         SendOptions options) {
        return sendTo(subscribers.get(ThreadLocalRandom.current().nextInt(subscribers.size())), message, options);
    }

    /** A fire-and-forget send to the actor of {@code e}, wherever it lives; refusals known here throw. */
    void trySendTo(ClusterDirectory.Entry e, Message<Void> message, SendOptions options) {
        ActorId actorId = e.id();
        if (e.node() == node) {
            local.trySend(actorId, message, options);
            return;
        }
        long remaining = options.timeout() == null ? 0 : Math.max(1, options.timeout().toMillis());
        Wire.Meta h = Wire.request(Wire.Op.TELL, actorId, remote.typeName(message, actorId),
                priorityOf(options, Priority.NORMAL), remaining, options.headers());
        remote.tell(e.node(), h, remote.encode(message, actorId), message);
    }

    /** Asks the node of a remote actor to unregister it. */
    void unregister(ClusterDirectory.Entry e) {
        join(remote.request(e.node(), Wire.op(Wire.Op.UNREGISTER, e.id()), new byte[0], defaultTimeout,
                e.id(), "unregister"));
    }

    /** Asks the node of a remote actor to subscribe it. */
    void subscribe(ClusterDirectory.Entry e, String pattern) {
        Wire.Meta h = Wire.op(Wire.Op.SUBSCRIBE, e.id()).pattern(pattern);
        join(remote.request(e.node(), h, new byte[0], defaultTimeout, e.id(), "subscribe"));
    }

    /** Asks the node of a remote actor to unsubscribe it. */
    boolean unsubscribe(ClusterDirectory.Entry e, String pattern) {
        Wire.Meta h = Wire.op(Wire.Op.UNSUBSCRIBE, e.id()).pattern(pattern);
        return Boolean.TRUE.equals(join(remote.request(e.node(), h, new byte[0], defaultTimeout, e.id(),
                "unsubscribe")));
    }

    /** Asks the node of a remote actor for its subscriptions. */
    List<String> subscriptions(ClusterDirectory.Entry e) {
        Object lines = join(remote.request(e.node(), Wire.op(Wire.Op.SUBSCRIPTIONS, e.id()), new byte[0],
                defaultTimeout, e.id(), "subscriptions"));
        String s = (String) lines;
        return s == null || s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    /** Every listed node's counters (this node's read here, the others' asked for), summed. */
    BrokerMetrics clusterMetrics(Collection<Integer> nodes) {
        List<CompletableFuture<BrokerMetrics>> parts = new ArrayList<>();
        for (int n : nodes) {
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

    /** Waits for {@code f}; its failure is thrown as itself, not wrapped. */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
