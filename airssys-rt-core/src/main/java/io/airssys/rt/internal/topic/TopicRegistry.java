package io.airssys.rt.internal.topic;

import io.airssys.rt.broker.Topics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Subscriptions of actors to topic patterns, matched with a subject tree and a bounded cache.
 *
 * <h2>Design</h2>
 * The tree has one level per topic token; a node has literal children (a
 * {@link ConcurrentHashMap}), a {@code *} child, a {@code >} child, and the subscriptions whose
 * pattern ends there. The tree is changed in place by one writer at a time (under
 * {@link #lock}) and read without any lock. A subscribe walks the pattern's path, creates the
 * missing nodes and adds one entry at the end; an unsubscribe removes that entry and prunes the
 * nodes left empty on the way back up. Both are O(depth) in time and memory: no sibling map is
 * ever copied, so {@code user.<id>.events} costs the same at 20,000 actors as at 10. (The tree
 * used to be immutable and copied the path on every change, child maps included: each
 * subscribe copied all the ids under {@code user}, and every cached topic pinned its own copy.)
 *
 * <p>The subscriptions at a node are a small copy-on-write array (readers get a snapshot) and,
 * above {@value #SMALL} entries, a concurrent set; the switch back to an array happens below
 * half that, so a change never copies more than {@value #SMALL} entries.
 *
 * <h2>What a reader sees</h2>
 * A match walks the live tree while it changes. A subscription present for the whole walk is
 * always found, exactly once: its path's nodes are never empty so never pruned or replaced, a
 * snapshot array is immutable, and the concurrent set's weakly consistent iterator returns
 * every element present throughout the iteration exactly once. A subscription added or removed
 * during the walk may or may not be seen. A subscriber matching through several patterns appears
 * once, at the position of its oldest matching subscription; "once" is by subscriber identity
 * ({@code ==}), so two subscribers that share an id for a moment (an id being reused) stay two.
 *
 * <h2>The match cache</h2>
 * A fixed table of {@value #MAX_CACHED_TOPICS} slots, one entry per slot, chosen by the topic's
 * hash: it never holds more entries than that, whatever the number of topics. An entry is
 * stamped with the {@link #version} it was computed at and used only while the version is the
 * same; every change increments the version after it changed the tree. The cache never holds a
 * tree (there is only the live one). A removal also empties the cache, so a removed subscriber
 * (a mailbox, with its queued messages) is not kept alive by a stale entry once the removal
 * returned; see the NOTE in {@link #match}.
 *
 * <h2>Subscribers and ids</h2>
 * A subscription records the subscriber object looked up when it was made. Ids can be reused: an
 * actor unregistered and a new one registered under the same id. So removal has two forms:
 * {@link #removeAll(Object)} removes the subscriptions of that exact subscriber and is the safe
 * one; {@link #removeAll(long)} removes whatever is subscribed under the id now, which may already
 * be the new actor's. A subscribe that finds the id's subscriptions held by another subscriber
 * than the one it just looked up drops them first: their owner is no longer registered.
 *
 * @param <T> the subscriber (a mailbox in the in-memory broker)
 */
public final class TopicRegistry<T> {

    private static final VarHandle CACHE;

    static {
        try {
            CACHE = MethodHandles.lookup().findVarHandle(TopicRegistry.class, "cache", AtomicReferenceArray.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The size of the match cache: the most topics whose matches are kept (a power of two). */
    static final int MAX_CACHED_TOPICS = 4096;

    /** Above this many subscriptions a node's array becomes a concurrent set. */
    static final int SMALL = 8;

    private static final Object[] NONE = new Object[0];
    private static final Sub[] NO_SUBS = new Sub[0];
    private static final Comparator<Sub> BY_AGE = Comparator.comparingLong(s -> s.seq);

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Subscriptions<T>> byActor = new HashMap<>(); // under lock
    private final Map<Object, Subscriptions<T>> bySubscriber = new IdentityHashMap<>(); // under lock
    private final Node root = new Node();
    /** Allocated by the first match: a broker that never routes by topic keeps no cache (16 KB). */
    private volatile AtomicReferenceArray<Cached> cache;
    private volatile long version; // written under lock, after the tree changed
    private volatile boolean cacheUsed; // an entry may have been stored since the last emptying
    private long nextSeq; // under lock
    private long copied; // under lock: entries copied into new arrays or sets, for tests

    /** {@link #subscribe} result. */
    public enum Outcome {
        /** The subscription was added. */
        ADDED,
        /** The actor was already subscribed to that pattern. */
        ALREADY_SUBSCRIBED,
        /** The actor is not registered. */
        NOT_REGISTERED
    }

    /**
     * Subscribes an actor to a pattern, atomically with respect to removal: the subscriber is
     * looked up under the registry lock, so an actor unregistered (and its subscriptions
     * removed) cannot be left with a subscription. The subscription records the subscriber
     * object looked up, which {@link #removeAll(Object)} removes by identity.
     *
     * @param actorId    the actor
     * @param pattern    a valid pattern
     * @param subscriber looks the actor's subscriber up, {@code null} if not registered; returns
     *                   the same object for as long as the actor stays registered (another object
     *                   means the id was reused, see the class comment)
     * @return what happened
     */
    public Outcome subscribe(long actorId, String pattern, LongFunction<T> subscriber) {
        String[] tokens = tokens(Topics.checkPattern(pattern));
        lock.lock();
        try {
            T value = subscriber.apply(actorId);
            if (value == null) {
                return Outcome.NOT_REGISTERED;
            }
            Subscriptions<T> mine = byActor.get(actorId);
            if (mine != null && mine.subscriber != value) {
                // NOTE: id reuse. The id now names another subscriber than the one holding these
                // subscriptions, so their owner was unregistered and its removal has not run yet.
                // Drop them now: the new actor starts with none (it would otherwise be told
                // ALREADY_SUBSCRIBED and get nothing), and the owner's late removeAll(owner) finds
                // nothing to remove. Covered by removeAllBySubscriberKeepsANewSubscriberThatReusedTheId.
                drop(mine);
                mine = null;
                changed(true);
            }
            if (mine == null) {
                mine = new Subscriptions<>(actorId, value);
                byActor.put(actorId, mine);
                bySubscriber.put(value, mine);
            } else if (mine.patterns.containsKey(pattern)) {
                return Outcome.ALREADY_SUBSCRIBED;
            }
            Sub sub = new Sub(value, nextSeq++);
            mine.patterns.put(pattern, sub);
            add(tokens, sub);
            changed(false);
            return Outcome.ADDED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes one subscription of the subscriber now subscribed under an id.
     *
     * @param actorId the actor
     * @param pattern the pattern it subscribed to
     * @return {@code true} if it was subscribed
     */
    public boolean unsubscribe(long actorId, String pattern) {
        String[] tokens = tokens(Topics.checkPattern(pattern));
        lock.lock();
        try {
            Subscriptions<T> mine = byActor.get(actorId);
            Sub sub = mine == null ? null : mine.patterns.remove(pattern);
            if (sub == null) {
                return false;
            }
            if (mine.patterns.isEmpty()) {
                forget(mine);
            }
            remove(tokens, sub);
            changed(true);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every subscription held under an id, whichever subscriber holds them. If the id
     * may have been registered again since its actor was removed, this can remove the new
     * actor's subscriptions: use {@link #removeAll(Object)}, which cannot.
     *
     * @param actorId the actor
     */
    public void removeAll(long actorId) {
        lock.lock();
        try {
            Subscriptions<T> mine = byActor.get(actorId);
            if (mine != null) {
                drop(mine);
                changed(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every subscription of one subscriber, compared by identity ({@code ==}); the
     * subscriptions of another subscriber registered under the same id are kept. This is the safe
     * removal for an actor that was unregistered.
     *
     * @param subscriber the subscriber whose subscriptions go
     */
    public void removeAll(T subscriber) {
        lock.lock();
        try {
            Subscriptions<T> mine = bySubscriber.get(subscriber);
            if (mine != null) {
                drop(mine);
                changed(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the patterns subscribed under an id, in subscription order.
     *
     * @param actorId the actor
     * @return an unmodifiable copy, empty if none
     */
    public List<String> patterns(long actorId) {
        lock.lock();
        try {
            Subscriptions<T> mine = byActor.get(actorId);
            return mine == null ? List.of() : List.copyOf(mine.patterns.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the number of actors with at least one subscription.
     *
     * @return the count
     */
    public int subscribedActors() {
        lock.lock();
        try {
            return byActor.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the subscribers matching a concrete topic, each once, in subscription order.
     * Lock-free; cached per topic.
     *
     * @param topic a valid concrete topic
     * @return the subscribers (do not modify the array)
     */
    public Object[] match(String topic) {
        long v = version;
        int slot = slot(topic);
        AtomicReferenceArray<Cached> cache = cache();
        Cached hit = cache.get(slot);
        if (hit != null && hit.version == v && hit.topic.equals(topic)) {
            return hit.subscribers;
        }
        Object[] subscribers = compute(topic);
        Cached fresh = new Cached(topic, v, subscribers);
        cache.set(slot, fresh);
        if (!cacheUsed) {
            cacheUsed = true;
        }
        // NOTE: a removal racing with this store. The remover changes the tree, writes version,
        // then reads cacheUsed and empties every slot; here we store, write cacheUsed, then
        // read version. All of these are volatile, so either this read sees the new version and
        // we take our entry back, or the remover's reads come after our writes and it empties
        // our slot. Either way an entry computed before a removal (it may hold the removed
        // subscriber) does not outlive the removal. The entry would be ignored anyway (its
        // version is old); this only keeps the subscriber from being pinned. Covered by
        // theCacheKeepsNoSubscriberAfterItWasRemoved and the concurrent churn test.
        if (version != v) {
            cache.compareAndSet(slot, fresh, null);
        }
        return subscribers;
    }

    private AtomicReferenceArray<Cached> cache() {
        AtomicReferenceArray<Cached> c = cache;
        if (c == null) {
            c = new AtomicReferenceArray<>(MAX_CACHED_TOPICS);
            // NOTE: a removal that read the cache as null wrote its version before that read, and
            // this CAS comes after it, so our matcher's version check (see match) sees the removal.
            if (!CACHE.compareAndSet(this, null, c)) {
                c = cache; // another matcher allocated it first
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return "TopicRegistry[" + subscribedActors() + " actors, cache " + cachedTopics() + " topics]";
    }

    // ------------------------------------------------------------------ writing (under lock)

    private void add(String[] tokens, Sub sub) {
        Node n = root;
        for (String t : tokens) {
            n = n.childOrCreate(t);
        }
        copied += n.addSub(sub);
    }

    private void remove(String[] tokens, Sub sub) {
        Node[] path = new Node[tokens.length + 1];
        path[0] = root;
        for (int i = 0; i < tokens.length; i++) {
            path[i + 1] = path[i].child(tokens[i]);
            if (path[i + 1] == null) {
                return;
            }
        }
        copied += path[tokens.length].removeSub(sub);
        // NOTE: pruning. Only empty nodes are unlinked, and a reader standing in one finds
        // nothing there, which is what it would find in the tree now. The nodes on a live
        // subscription's path are never empty, so never unlinked: a stable subscriber is always
        // reachable (matchingWhileSubscriptionsChangeSeesWholeStatesOnly).
        for (int i = tokens.length; i > 0 && path[i].isEmpty(); i--) {
            path[i - 1].unlink(tokens[i - 1], path[i]);
        }
    }

    private void drop(Subscriptions<T> mine) {
        forget(mine);
        for (Map.Entry<String, Sub> e : mine.patterns.entrySet()) {
            remove(tokens(e.getKey()), e.getValue());
        }
        mine.patterns.clear();
    }

    private void forget(Subscriptions<T> mine) {
        byActor.remove(mine.actorId, mine);
        bySubscriber.remove(mine.subscriber, mine);
    }

    /** Publishes a change to matchers; after a removal also empties the cache. */
    private void changed(boolean removal) {
        // NOTE: the version is written after the tree changed, so a matcher that reads it
        // computes from a tree with the change in it, and an entry stamped with an older
        // version is never used again (unsubscribeAndRemoveAllTakeEffectForCachedTopicsToo).
        version = version + 1;
        AtomicReferenceArray<Cached> cache = this.cache;
        if (removal && cacheUsed && cache != null) {
            cacheUsed = false;
            for (int i = 0; i < MAX_CACHED_TOPICS; i++) {
                Cached c = cache.get(i);
                if (c != null) {
                    cache.compareAndSet(i, c, null);
                }
            }
        }
    }

    // ------------------------------------------------------------------ matching

    private Object[] compute(String topic) {
        List<Sub> found = new ArrayList<>();
        root.collect(tokens(topic), 0, found);
        int n = found.size();
        if (n == 0) {
            return NONE;
        }
        if (n == 1) {
            return new Object[] {found.get(0).value};
        }
        found.sort(BY_AGE);
        Object[] out = new Object[n];
        int size = 0;
        if (n <= SMALL) {
            next:
            for (Sub s : found) {
                for (int j = 0; j < size; j++) {
                    if (out[j] == s.value) {
                        continue next;
                    }
                }
                out[size++] = s.value;
            }
        } else {
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>(n));
            for (Sub s : found) {
                if (seen.add(s.value)) {
                    out[size++] = s.value;
                }
            }
        }
        return size == n ? out : Arrays.copyOf(out, size);
    }

    private static String[] tokens(String topic) {
        return topic.split("\\.", -1);
    }

    private static int slot(String topic) {
        int h = topic.hashCode();
        return (h ^ (h >>> 16)) & (MAX_CACHED_TOPICS - 1);
    }

    // ------------------------------------------------------------------ inspection, for tests

    /** Entries copied into new arrays or sets by changes so far (a change copies at most SMALL). */
    long copiedEntries() {
        lock.lock();
        try {
            return copied;
        } finally {
            lock.unlock();
        }
    }

    /** Links the registry keeps reachable: child links plus subscriptions, tree and cache. */
    long retainedEntries() {
        lock.lock();
        try {
            return root.links(); // the cache holds no nodes
        } finally {
            lock.unlock();
        }
    }

    /** Topics in the match cache. */
    int cachedTopics() {
        AtomicReferenceArray<Cached> cache = this.cache;
        if (cache == null) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < MAX_CACHED_TOPICS; i++) {
            if (cache.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    /** Whether a cache entry holds this subscriber. */
    boolean cacheRetains(Object subscriber) {
        AtomicReferenceArray<Cached> cache = this.cache;
        if (cache == null) {
            return false;
        }
        for (int i = 0; i < MAX_CACHED_TOPICS; i++) {
            Cached c = cache.get(i);
            if (c != null && Arrays.stream(c.subscribers).anyMatch(s -> s == subscriber)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ parts

    /** The subscriptions held under one id by one subscriber, pattern to entry, in order. */
    private static final class Subscriptions<T> {
        final long actorId;
        final T subscriber;
        final LinkedHashMap<String, Sub> patterns = new LinkedHashMap<>(4);

        Subscriptions(long actorId, T subscriber) {
            this.actorId = actorId;
            this.subscriber = subscriber;
        }
    }

    /** One subscription in the tree; equal only to itself. */
    private static final class Sub {
        final Object value;
        final long seq;

        Sub(Object value, long seq) {
            this.value = value;
            this.seq = seq;
        }
    }

    /** A node's subscriptions once there are more than {@link #SMALL}. */
    private static final class SubSet {
        final Set<Sub> set = ConcurrentHashMap.newKeySet();
    }

    private record Cached(String topic, long version, Object[] subscribers) {
    }

    /**
     * A tree node. Written only under the registry lock; read by matchers without it.
     */
    private static final class Node {
        // NOTE: a new node is fully built before it is linked (volatile store or map put), and
        // literal is created before the first child goes in, so a matcher that reaches a node
        // sees it initialised.
        private volatile ConcurrentHashMap<String, Node> literal; // null until the first child
        private volatile Node star;
        private volatile Node tail;
        private volatile Object subs = NO_SUBS; // Sub[] (copy-on-write, at most SMALL) or SubSet

        Node child(String token) {
            return switch (token) {
                case "*" -> star;
                case ">" -> tail;
                default -> {
                    ConcurrentHashMap<String, Node> lit = literal;
                    yield lit == null ? null : lit.get(token);
                }
            };
        }

        Node childOrCreate(String token) {
            Node c = child(token);
            if (c != null) {
                return c;
            }
            c = new Node();
            switch (token) {
                case "*" -> star = c;
                case ">" -> tail = c;
                default -> {
                    ConcurrentHashMap<String, Node> lit = literal;
                    if (lit == null) {
                        lit = new ConcurrentHashMap<>(2);
                        literal = lit;
                    }
                    lit.put(token, c);
                }
            }
            return c;
        }

        void unlink(String token, Node c) {
            switch (token) {
                case "*" -> star = null;
                case ">" -> tail = null;
                default -> literal.remove(token, c);
            }
        }

        boolean isEmpty() {
            ConcurrentHashMap<String, Node> lit = literal;
            Object s = subs;
            return star == null && tail == null && (lit == null || lit.isEmpty())
                    && (s instanceof Sub[] a ? a.length == 0 : ((SubSet) s).set.isEmpty());
        }

        /** Adds a subscription; returns the number of entries copied. */
        int addSub(Sub sub) {
            Object s = subs;
            if (s instanceof SubSet big) {
                big.set.add(sub);
                return 0;
            }
            Sub[] a = (Sub[]) s;
            if (a.length < SMALL) {
                Sub[] b = Arrays.copyOf(a, a.length + 1);
                b[a.length] = sub;
                subs = b;
                return a.length;
            }
            SubSet big = new SubSet();
            big.set.addAll(Arrays.asList(a));
            big.set.add(sub);
            subs = big;
            return a.length;
        }

        /** Removes a subscription; returns the number of entries copied. */
        int removeSub(Sub sub) {
            Object s = subs;
            if (s instanceof SubSet big) {
                big.set.remove(sub);
                if (big.set.size() >= SMALL / 2) {
                    return 0;
                }
                // NOTE: the set is no longer changed once replaced, so a matcher iterating it
                // still sees every remaining subscription exactly once.
                Sub[] small = big.set.toArray(NO_SUBS);
                subs = small;
                return small.length;
            }
            Sub[] a = (Sub[]) s;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == sub) {
                    Sub[] b = new Sub[a.length - 1];
                    System.arraycopy(a, 0, b, 0, i);
                    System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                    subs = b;
                    return b.length;
                }
            }
            return 0;
        }

        void collect(String[] tokens, int i, List<Sub> out) {
            if (i == tokens.length) {
                addSubs(subs, out);
                return;
            }
            Node t = tail;
            if (t != null) {
                addSubs(t.subs, out); // '>' matches the one or more tokens left
            }
            Node s = star;
            if (s != null) {
                s.collect(tokens, i + 1, out);
            }
            ConcurrentHashMap<String, Node> lit = literal;
            Node c = lit == null ? null : lit.get(tokens[i]);
            if (c != null) {
                c.collect(tokens, i + 1, out);
            }
        }

        private static void addSubs(Object s, List<Sub> out) {
            if (s instanceof Sub[] a) {
                Collections.addAll(out, a);
            } else {
                out.addAll(((SubSet) s).set);
            }
        }

        long links() {
            ConcurrentHashMap<String, Node> lit = literal;
            Object s = subs;
            long n = s instanceof Sub[] a ? a.length : ((SubSet) s).set.size();
            if (lit != null) {
                n += lit.size();
                for (Node c : lit.values()) {
                    n += c.links();
                }
            }
            Node st = star;
            Node tl = tail;
            n += st == null ? 0 : 1 + st.links();
            n += tl == null ? 0 : 1 + tl.links();
            return n;
        }
    }
}
