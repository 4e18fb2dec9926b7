package io.airssys.rt.internal.topic;

import io.airssys.rt.broker.Topics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Subscriptions of actors to topic patterns, matched with a subject tree and a cache.
 *
 * <h2>Design</h2>
 * The tree has one level per topic token; each node has literal children, a {@code *} child
 * and a {@code >} child, and the subscriptions whose pattern ends there. Nodes are immutable:
 * a change copies the path from the root to the changed node under {@link #lock} and
 * publishes the new root with one volatile store. Matching walks one root snapshot without
 * locking, so a publish sees the subscriptions as they were at one moment, never half of a
 * change.
 *
 * <p>Matches are cached per concrete topic. An entry remembers the root it was computed from
 * and is ignored once the root changed, so a stale entry can never be used; the cache is
 * cleared when it outgrows {@value #MAX_CACHED_TOPICS} topics (topics may be unbounded, e.g.
 * one per user).
 *
 * <p>A subscriber subscribed through several matching patterns appears once in a match, at
 * the position of its oldest matching subscription.
 *
 * @param <T> the subscriber (a mailbox in the in-memory broker)
 */
public final class TopicRegistry<T> {

    static final int MAX_CACHED_TOPICS = 4096;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, List<String>> patternsByActor = new HashMap<>(); // under lock
    private final ConcurrentHashMap<String, Match<T>> cache = new ConcurrentHashMap<>();
    private final Object[] empty = new Object[0];
    private volatile Node<T> root = Node.empty();
    private long nextSeq; // under lock

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
     * Subscribes an actor to a pattern, atomically with respect to {@link #removeAll}: the
     * subscriber is looked up under the registry lock, so an actor unregistered (and its
     * subscriptions removed) cannot be left with a subscription.
     *
     * @param actorId    the actor
     * @param pattern    a valid pattern
     * @param subscriber looks the actor's subscriber up, {@code null} if not registered
     * @return what happened
     */
    public Outcome subscribe(long actorId, String pattern, LongFunction<T> subscriber) {
        String[] tokens = Topics.checkPattern(pattern).split("\\.", -1);
        lock.lock();
        try {
            T sub = subscriber.apply(actorId);
            if (sub == null) {
                return Outcome.NOT_REGISTERED;
            }
            List<String> mine = patternsByActor.computeIfAbsent(actorId, k -> new ArrayList<>(2));
            if (mine.contains(pattern)) {
                return Outcome.ALREADY_SUBSCRIBED;
            }
            mine.add(pattern);
            root = root.with(tokens, 0, new Sub<>(actorId, sub, nextSeq++));
            return Outcome.ADDED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes one subscription.
     *
     * @param actorId the actor
     * @param pattern the pattern it subscribed to
     * @return {@code true} if it was subscribed
     */
    public boolean unsubscribe(long actorId, String pattern) {
        String[] tokens = Topics.checkPattern(pattern).split("\\.", -1);
        lock.lock();
        try {
            List<String> mine = patternsByActor.get(actorId);
            if (mine == null || !mine.remove(pattern)) {
                return false;
            }
            if (mine.isEmpty()) {
                patternsByActor.remove(actorId);
            }
            root = root.without(tokens, 0, actorId);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every subscription of an actor (it was unregistered).
     *
     * @param actorId the actor
     */
    public void removeAll(long actorId) {
        lock.lock();
        try {
            List<String> mine = patternsByActor.remove(actorId);
            if (mine == null) {
                return;
            }
            Node<T> r = root;
            for (String pattern : mine) {
                r = r.without(pattern.split("\\.", -1), 0, actorId);
            }
            root = r;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns an actor's patterns in subscription order.
     *
     * @param actorId the actor
     * @return an unmodifiable copy, empty if none
     */
    public List<String> patterns(long actorId) {
        lock.lock();
        try {
            List<String> mine = patternsByActor.get(actorId);
            return mine == null ? List.of() : List.copyOf(mine);
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
        Node<T> r = root;
        Match<T> cached = cache.get(topic);
        if (cached != null && cached.root == r) {
            return cached.subscribers;
        }
        Object[] subs = compute(r, topic);
        if (cache.size() >= MAX_CACHED_TOPICS) {
            cache.clear();
        }
        cache.put(topic, new Match<>(r, subs));
        return subs;
    }

    private Object[] compute(Node<T> r, String topic) {
        List<Sub<T>> found = new ArrayList<>();
        r.collect(topic.split("\\.", -1), 0, found);
        if (found.isEmpty()) {
            return empty;
        }
        found.sort((a, b) -> Long.compare(a.seq, b.seq));
        Set<Long> seen = new HashSet<>();
        List<Object> out = new ArrayList<>(found.size());
        for (Sub<T> s : found) {
            if (seen.add(s.actorId)) {
                out.add(s.value);
            }
        }
        return out.toArray();
    }

    private record Match<T>(Node<T> root, Object[] subscribers) {
    }

    private record Sub<T>(long actorId, T value, long seq) {
    }

    /** An immutable tree node; changes return a copy of the path. */
    private record Node<T>(Map<String, Node<T>> literal, Node<T> star, Node<T> tail, List<Sub<T>> here) {

        static <T> Node<T> empty() {
            return new Node<>(Map.of(), null, null, List.of());
        }

        boolean isEmpty() {
            return literal.isEmpty() && star == null && tail == null && here.isEmpty();
        }

        Node<T> with(String[] tokens, int i, Sub<T> sub) {
            if (i == tokens.length) {
                List<Sub<T>> h = new ArrayList<>(here);
                h.add(sub);
                return new Node<>(literal, star, tail, Collections.unmodifiableList(h));
            }
            String t = tokens[i];
            return switch (t) {
                case "*" -> new Node<>(literal, orEmpty(star).with(tokens, i + 1, sub), tail, here);
                case ">" -> new Node<>(literal, star, orEmpty(tail).with(tokens, i + 1, sub), here);
                default -> {
                    Map<String, Node<T>> lit = new HashMap<>(literal);
                    lit.put(t, orEmpty(literal.get(t)).with(tokens, i + 1, sub));
                    yield new Node<>(Map.copyOf(lit), star, tail, here);
                }
            };
        }

        Node<T> without(String[] tokens, int i, long actorId) {
            if (i == tokens.length) {
                List<Sub<T>> h = new ArrayList<>(here);
                h.removeIf(s -> s.actorId == actorId);
                return new Node<>(literal, star, tail, List.copyOf(h));
            }
            String t = tokens[i];
            return switch (t) {
                case "*" -> new Node<>(literal, prune(star == null ? null : star.without(tokens, i + 1, actorId)), tail, here);
                case ">" -> new Node<>(literal, star, prune(tail == null ? null : tail.without(tokens, i + 1, actorId)), here);
                default -> {
                    Node<T> child = literal.get(t);
                    if (child == null) {
                        yield this;
                    }
                    Map<String, Node<T>> lit = new HashMap<>(literal);
                    Node<T> c = prune(child.without(tokens, i + 1, actorId));
                    if (c == null) {
                        lit.remove(t);
                    } else {
                        lit.put(t, c);
                    }
                    yield new Node<>(Map.copyOf(lit), star, tail, here);
                }
            };
        }

        void collect(String[] tokens, int i, List<Sub<T>> out) {
            if (i == tokens.length) {
                out.addAll(here);
                return;
            }
            if (tail != null) {
                out.addAll(tail.here); // '>' matches the one or more tokens left
            }
            if (star != null) {
                star.collect(tokens, i + 1, out);
            }
            Node<T> child = literal.get(tokens[i]);
            if (child != null) {
                child.collect(tokens, i + 1, out);
            }
        }

        private static <T> Node<T> orEmpty(Node<T> n) {
            return n == null ? empty() : n;
        }

        private static <T> Node<T> prune(Node<T> n) {
            return n == null || n.isEmpty() ? null : n;
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
            return patternsByActor.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TopicRegistry[" + subscribedActors() + " actors, cache " + cache.size() + " topics]";
    }
}
