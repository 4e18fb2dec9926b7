package io.airssys.rt.spi;

import io.airssys.rt.ActorId;

import java.util.List;

/**
 * Where each registered actor lives, in registration order: the one question a broker asks
 * before it delivers by id.
 *
 * <p>The in-memory broker's routing table is the local implementation: every actor is
 * {@link ActorLocation.Local}, and {@link io.airssys.rt.broker.BrokerNode#directory()} returns
 * it. A broker that spans JVMs keeps a directory of the whole cluster on every node (filled from
 * the cluster's registry, never asked over the network on the send path), where actors of other
 * nodes are {@link ActorLocation.Remote}.
 *
 * <p>Every method is safe to call from any thread and answers for one instant: linearizable
 * with registration and unregistration, stale as soon as it returns.
 */
public interface ActorDirectory {

    /**
     * Resolves an id.
     *
     * @param id the actor
     * @return where it lives, or {@code null} if no actor is registered under {@code id}
     */
    ActorLocation locate(ActorId id);

    /**
     * Returns whether an actor is registered under {@code id}.
     *
     * @param id the actor
     * @return {@code true} if {@link #locate} would return a location
     */
    default boolean contains(ActorId id) {
        return locate(id) != null;
    }

    /**
     * Returns the registered ids in registration order (the order broadcasts deliver in).
     *
     * @return an unmodifiable list
     */
    List<ActorId> actorIds();

    /**
     * Returns how many actors are registered.
     *
     * @return the count
     */
    int size();
}
