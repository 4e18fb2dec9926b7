package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One message to many actors across the cluster (broadcast, broadcastFilter, publish): one
 * request per node that has targets, carrying that node's target ids (or the topic), the local
 * part through this node's own broker, and every reply listed in the cluster's registration
 * order.
 */
final class ClusterFanout {

    private final BrokerNode local;
    private final RemoteCalls remote;
    private final int node;
    private final Duration defaultTimeout;

    ClusterFanout(BrokerNode local, RemoteCalls remote, int node, Duration defaultTimeout) {
        this.local = local;
        this.remote = remote;
        this.node = node;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * Sends to every target, one request per node, and lists the replies in target order. A node
     * that does not answer as a whole fails each of its targets with the same error.
     */
    <R> CompletableFuture<List<Reply<R>>> fanOut(Message<R> message, List<ClusterDirectory.Entry> targets,
                                                        SendOptions options, String topic) {
        Map<Integer, List<ActorId>> byNode = new LinkedHashMap<>();
        for (ClusterDirectory.Entry e : targets) {
            byNode.computeIfAbsent(e.node(), n -> new ArrayList<>()).add(e.id());
        }
        Duration timeout = RemoteSends.timeoutOf(options, defaultTimeout);
        List<CompletableFuture<List<Reply<R>>>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<ActorId>> group : byNode.entrySet()) {
            List<ActorId> ids = group.getValue();
            CompletableFuture<List<Reply<R>>> part;
            if (group.getKey() == node) {
                Set<ActorId> mine = new HashSet<>(ids);
                part = topic == null ? local.broadcastFilter(message, mine::contains, options)
                        : local.publish(topic, message, options);
            } else {
                part = remotePart(group.getKey(), ids, message, options, timeout, topic);
            }
            parts.add(part.handle((list, error) -> error == null ? list : failedAll(ids, error)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<ActorId, Reply<R>> byId = new HashMap<>();
            for (CompletableFuture<List<Reply<R>>> p : parts) {
                for (Reply<R> r : p.join()) {
                    byId.put(r.actorId(), r);
                }
            }
            List<Reply<R>> ordered = new ArrayList<>(byId.size());
            for (ClusterDirectory.Entry e : targets) {
                Reply<R> r = byId.remove(e.id());
                if (r != null) {
                    ordered.add(r);
                }
            }
            ordered.addAll(byId.values()); // subscribers this node did not know of yet: after the known ones
            return List.copyOf(ordered);
        });
    }

    private <R> CompletableFuture<List<Reply<R>>> remotePart(int toNode, List<ActorId> ids, Message<R> message,
                                                            SendOptions options, Duration timeout, String topic) {
        try {
            Wire.Meta h = Wire.request(topic == null ? Wire.Op.BROADCAST : Wire.Op.PUBLISH, null,
                    remote.typeName(message, null), RemoteSends.priorityOf(options, Priority.NORMAL), timeout.toMillis(),
                    options.headers());
            if (topic == null) {
                h.targets(ids);
            } else {
                h.topic(topic);
            }
            return remote.requestAll(toNode, h, remote.encode(message, null), timeout,
                    message.getClass().getSimpleName());
        } catch (DeliveryException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    private static <R> List<Reply<R>> failedAll(List<ActorId> ids, Throwable error) {
        Throwable t = DeliveryException.unwrap(error);
        DeliveryException d = t instanceof DeliveryException de ? de
                : new SendException(SendError.ACTOR_STOPPED, null, "broadcast", t.toString(), t);
        List<Reply<R>> out = new ArrayList<>(ids.size());
        for (ActorId id : ids) {
            out.add(new Reply.Failed<>(id, d));
        }
        return out;
    }
}
