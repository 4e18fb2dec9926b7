package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerNode;

import java.util.List;

/**
 * What a node does for its own actors that the whole cluster must see: unregistering (the local
 * mailbox closes, then the registry entry and the actor's subscriptions go) and subscribing
 * (the local topic registry, then the registry entry every node matches publishes against).
 * Run for a call on this node, and for the same call made on another node about one of ours.
 */
final class OwnActors implements NodeEndpoint.Admin {

    private final BrokerNode local;
    private final ClusterRegistry registry;
    private final ClusterDirectory directory;
    private final int node;

    OwnActors(BrokerNode local, ClusterRegistry registry, ClusterDirectory directory, int node) {
        this.local = local;
        this.registry = registry;
        this.directory = directory;
        this.node = node;
    }
    @Override
    public void unregister(ActorId id) {
        List<String> patterns = local.subscriptions(id);
        ClusterDirectory.Entry e = directory.entry(id);
        local.unregister(id); // NOT_FOUND if it is not (or no longer) here
        if (e != null) {
            ClusterRegistry.io(() -> registry.deleteActor(id, e.revision()), id, "unregister " + id);
            directory.removedHere(id, e.revision());
        }
        ClusterRegistry.io(() -> {
            registry.deleteSubscriptions(id, patterns);
            return null;
        }, id, "remove the subscriptions of " + id);
    }

    @Override
    public void subscribe(ActorId id, String pattern) {
        local.subscribe(id, pattern);
        ClusterRegistry.io(() -> {
            registry.putSubscription(id, pattern, node);
            return null;
        }, id, "subscribe " + id);
    }

    @Override
    public boolean unsubscribe(ActorId id, String pattern) {
        boolean was = local.unsubscribe(id, pattern);
        if (was) {
            ClusterRegistry.io(() -> {
                registry.deleteSubscription(id, pattern);
                return null;
            }, id, "unsubscribe " + id);
        }
        return was;
    }

    /** An actor of this node stopped on its own (its mailbox is already gone): removes it from the registry. */
    void forget(ActorId id) {
        ClusterDirectory.Entry e = directory.entry(id);
        if (e == null || e.node() != node) {
            return;
        }
        for (String pattern : directory.patternsOf(id)) {
            ClusterRegistry.io(() -> {
                registry.deleteSubscription(id, pattern);
                return null;
            }, id, "remove a subscription of the stopped " + id);
        }
        ClusterRegistry.io(() -> registry.deleteActor(id, e.revision()), id, "remove the stopped " + id);
        directory.removedHere(id, e.revision());
    }
}
