package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.Topics;
import io.airssys.rt.spi.ActorDirectory;
import io.airssys.rt.spi.ActorLocation;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's view of the whole cluster, kept by watching the registry bucket: where each actor
 * lives, in registration order (the entries' revisions), and every actor's topic subscriptions.
 *
 * <p>The view lags the registry by the time a change takes to reach this node. Two things make
 * that invisible to callers. A node applies its own registrations at once (the revision
 * {@code create} returned), unless the watcher has already gone past that revision and so holds
 * a newer truth. And {@link #catchUp(long, Duration)} waits until the watcher has applied a given
 * revision: a query, a broadcast, or a send to an id this node has not seen asks the registry for
 * its last revision and waits for it, so it sees every registration that completed before it
 * started, on any node.
 */
final class ClusterDirectory implements ActorDirectory, KeyValueWatcher {

    /** One actor: its owning node and its revision (place in registration order). */
    record Entry(ActorId id, int node, long revision) {
    }

    private final int localNode;
    private final BrokerNode local;
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Entry> byRevision = new ConcurrentSkipListMap<>();
    private final Map<Long, Set<String>> subscriptions = new ConcurrentHashMap<>();
    /** Claimed nodes: node number to the revision of its claim. */
    private final Map<Integer, Long> claims = new ConcurrentHashMap<>();
    /** When this node last saw each node's heartbeat ({@code System.nanoTime()}, this node's clock). */
    private final Map<Integer, Long> lastBeat = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    /** The highest revision applied from the watcher; read by every catch-up. */
    private volatile long seen;

    ClusterDirectory(int localNode, BrokerNode local) {
        this.localNode = localNode;
        this.local = local;
    }


    // ------------------------------------------------------------------ ActorDirectory

    @Override
    public ActorLocation locate(ActorId id) {
        Entry e = byId.get(id.asLong());
        if (e == null) {
            return null;
        }
        if (e.node() == localNode) {
            return local.directory().locate(id); // null while it registers or after it left locally
        }
        return new ActorLocation.Remote(e.node());
    }

    @Override
    public boolean contains(ActorId id) {
        return byId.containsKey(id.asLong());
    }

    @Override
    public List<ActorId> actorIds() {
        List<ActorId> ids = new ArrayList<>(byRevision.size());
        for (Entry e : byRevision.values()) {
            ids.add(e.id());
        }
        return Collections.unmodifiableList(ids);
    }

    @Override
    public int size() {
        return byId.size();
    }

    Entry entry(ActorId id) {
        return byId.get(id.asLong());
    }

    /** The actors in registration order. */
    List<Entry> entries() {
        return List.copyOf(byRevision.values());
    }

    /** The actors subscribed to a pattern matching {@code topic}, in registration order. */
    List<Entry> subscribersOf(String topic) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : byRevision.values()) {
            Set<String> patterns = subscriptions.get(e.id().asLong());
            if (patterns != null) {
                for (String p : patterns) {
                    if (Topics.matches(p, topic)) {
                        out.add(e);
                        break;
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ changes

    /** This node registered {@code id}: applies it at once unless the watcher already went past it. */
    void registeredHere(ActorId id, long revision) {
        lock.lock();
        try {
            if (seen < revision) {
                put(new Entry(id, localNode, revision));
            }
        } finally {
            lock.unlock();
        }
    }

    /** This node saw {@code id} leave (its own unregister): forgets it unless a newer entry exists. */
    void removedHere(ActorId id, long revision) {
        lock.lock();
        try {
            Entry e = byId.get(id.asLong());
            if (e != null && e.revision() <= revision) {
                remove(e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void watch(KeyValueEntry kve) {
        lock.lock();
        try {
            apply(kve);
            if (kve.getRevision() > seen) {
                seen = kve.getRevision();
            }
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void endOfData() {
        // the initial state has arrived; catch-ups wait on revisions, not on this signal
    }

    private void apply(KeyValueEntry kve) {
        String key = kve.getKey();
        boolean put = kve.getOperation() == KeyValueOperation.PUT;
        if (key.startsWith("a.")) {
            ActorId id = ActorId.of(Long.parseLong(key.substring(2)));
            Entry old = byId.get(id.asLong());
            if (put) {
                if (old == null || old.revision() < kve.getRevision()) {
                    if (old != null) {
                        remove(old);
                    }
                    int node = Integer.parseInt(new String(kve.getValue(), StandardCharsets.UTF_8));
                    put(new Entry(id, node, kve.getRevision()));
                }
            } else if (old != null && old.revision() < kve.getRevision()) {
                remove(old);
                subscriptions.remove(id.asLong());
            }
        } else if (key.startsWith("s.")) {
            int dot = key.indexOf('.', 2);
            long id = Long.parseLong(key.substring(2, dot));
            String pattern = ClusterRegistry.patternOf(key.substring(dot + 1));
            if (put) {
                subscriptions.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(pattern);
            } else {
                subscriptions.computeIfPresent(id, (k, set) -> {
                    set.remove(pattern);
                    return set.isEmpty() ? null : set;
                });
            }
        } else if (key.startsWith("n.")) {
            int n = Integer.parseInt(key.substring(2));
            if (put) {
                claims.put(n, kve.getRevision());
                lastBeat.putIfAbsent(n, System.nanoTime()); // a new node gets one full period before it is judged
            } else {
                claims.remove(n);
                lastBeat.remove(n);
            }
        } else if (key.startsWith("h.") && put) {
            int n = Integer.parseInt(key.substring(2));
            if (claims.containsKey(n)) {
                lastBeat.put(n, System.nanoTime()); // receipt time: the nodes' clocks need not agree
            }
        }
    }

    /** Claimed nodes and the revision of each claim. */
    Map<Integer, Long> claims() {
        return Map.copyOf(claims);
    }

    /** Nanoseconds since this node last heard from {@code n}, or -1 if it does not know the node. */
    long silenceNanos(int n, long now) {
        Long beat = lastBeat.get(n);
        return beat == null ? -1 : now - beat;
    }

    /** When this node last saw {@code n}'s heartbeat ({@code System.nanoTime()}), or -1. */
    long lastBeatNanos(int n) {
        Long beat = lastBeat.get(n);
        return beat == null ? -1 : beat;
    }

    /** Whether {@code n} still holds its claim (a node declared dead has lost it). */
    boolean claimed(int n) {
        return claims.containsKey(n);
    }

    /** The actors registered on node {@code n}. */
    List<Entry> entriesOf(int n) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : byRevision.values()) {
            if (e.node() == n) {
                out.add(e);
            }
        }
        return out;
    }

    /** The patterns an actor subscribes to, as the registry holds them. */
    Set<String> patternsOf(ActorId id) {
        Set<String> p = subscriptions.get(id.asLong());
        return p == null ? Set.of() : Set.copyOf(p);
    }

    private void put(Entry e) {
        byId.put(e.id().asLong(), e);
        byRevision.put(e.revision(), e);
    }

    private void remove(Entry e) {
        byId.remove(e.id().asLong(), e);
        byRevision.remove(e.revision(), e);
    }

    /** Forgets everything: a closed node is out of the cluster and sees no actor. */
    void clear() {
        lock.lock();
        try {
            byId.clear();
            byRevision.clear();
            subscriptions.clear();
            claims.clear();
            lastBeat.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the watcher has applied {@code revision}.
     *
     * @return {@code false} if it did not within {@code patience}
     */
    boolean catchUp(long revision, Duration patience) throws InterruptedException {
        if (seen >= revision) {
            return true;
        }
        long nanos = patience.toNanos();
        lock.lock();
        try {
            while (seen < revision) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = advanced.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
