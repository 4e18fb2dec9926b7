package io.airssys.rt.internal.topic;

import io.airssys.rt.broker.Topics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRegistryTest {

    private final TopicRegistry<String> registry = new TopicRegistry<>();
    /** Stands for the routing table: the same subscriber object for an id every time. */
    private final Map<Long, String> actors = new ConcurrentHashMap<>();

    private String actor(long id) {
        return actors.computeIfAbsent(id, k -> "a" + k);
    }

    private void sub(long id, String pattern) {
        assertThat(registry.subscribe(id, pattern, this::actor)).isEqualTo(TopicRegistry.Outcome.ADDED);
    }

    private List<Object> match(String topic) {
        return Arrays.asList(registry.match(topic));
    }

    @Test
    void literalStarAndTailPatternsMatchLikeNatsSubjects() {
        sub(1, "orders.eu.created");
        sub(2, "orders.*.created");
        sub(3, "orders.>");
        sub(4, ">");
        sub(5, "*.eu.*");
        sub(6, "orders");
        assertThat(match("orders.eu.created")).containsExactly("a1", "a2", "a3", "a4", "a5");
        assertThat(match("orders.us.created")).containsExactly("a2", "a3", "a4");
        assertThat(match("orders.eu")).containsExactly("a3", "a4");
        assertThat(match("orders")).containsExactly("a4", "a6"); // '>' needs at least one more token
        assertThat(match("orders.eu.created.late")).containsExactly("a3", "a4");
        assertThat(match("billing.eu.paid")).containsExactly("a4", "a5");
    }

    @Test
    void aSubscriberMatchingThroughSeveralPatternsAppearsOnceAtItsOldestSubscription() {
        sub(1, "a.b");
        sub(2, "a.*");
        registry.subscribe(1, "a.>", this::actor);
        sub(3, ">");
        assertThat(match("a.b")).containsExactly("a1", "a2", "a3");
    }

    @Test
    void subscribingTwiceToOnePatternIsIdempotent() {
        sub(1, "x.y");
        assertThat(registry.subscribe(1, "x.y", this::actor)).isEqualTo(TopicRegistry.Outcome.ALREADY_SUBSCRIBED);
        assertThat(match("x.y")).containsExactly("a1");
        assertThat(registry.patterns(1)).containsExactly("x.y");
    }

    @Test
    void anUnregisteredActorCannotSubscribe() {
        assertThat(registry.subscribe(9, "x", k -> null)).isEqualTo(TopicRegistry.Outcome.NOT_REGISTERED);
        assertThat(registry.patterns(9)).isEmpty();
    }

    @Test
    void unsubscribeAndRemoveAllTakeEffectForCachedTopicsToo() {
        sub(1, "t.*");
        sub(2, "t.>");
        sub(1, "t.x");
        assertThat(match("t.x")).containsExactly("a1", "a2"); // now cached
        assertThat(registry.unsubscribe(1, "t.*")).isTrue();
        assertThat(registry.unsubscribe(1, "t.*")).isFalse();
        assertThat(match("t.x")).containsExactly("a2", "a1");
        registry.removeAll(1);
        assertThat(match("t.x")).containsExactly("a2");
        assertThat(registry.patterns(1)).isEmpty();
        registry.removeAll(2);
        assertThat(match("t.x")).isEmpty();
        assertThat(registry.subscribedActors()).isZero();
    }

    @Test
    void manyTopicsDoNotGrowTheCacheWithoutBound() {
        sub(1, "user.>");
        for (int i = 0; i < TopicRegistry.MAX_CACHED_TOPICS * 3; i++) {
            assertThat(match("user." + i)).containsExactly("a1");
        }
        assertThat(registry.toString()).contains("cache");
    }

    @Test
    void matchingWhileSubscriptionsChangeSeesWholeStatesOnly() throws Exception {
        // a stable subscriber must always be matched; churned ones may or may not be
        sub(0, "s.*.z");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 20_000; i++) {
                long id = 1 + ThreadLocalRandom.current().nextInt(50);
                String p = ThreadLocalRandom.current().nextBoolean() ? "s.>" : "s.y.*";
                if (registry.subscribe(id, p, this::actor) == TopicRegistry.Outcome.ALREADY_SUBSCRIBED) {
                    registry.unsubscribe(id, p);
                }
            }
            stop.set(true);
        });
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                List<Object> m = new ArrayList<>(Arrays.asList(registry.match("s.y.z")));
                if (!m.contains("a0")) {
                    failure.compareAndSet(null, "stable subscriber missing: " + m);
                }
                if (m.size() != m.stream().distinct().count()) {
                    failure.compareAndSet(null, "duplicate subscriber: " + m);
                }
            }
        });
        writer.start();
        reader.start();
        writer.join(60_000);
        reader.join(60_000);
        assertThat(failure.get()).isNull();
    }

    // ------------------------------------------------------------ scaling (issue #8, item 13)

    @Test
    void perActorTopicsCostTheSameWorkPerSubscribeAt5000And20000Actors() {
        // user.<id>.events: every id is a new sibling under "user"; a subscribe must not copy them
        int first = 5_000;
        int all = 20_000;
        for (int i = 0; i < first; i++) {
            sub(i, "user." + i + ".events");
        }
        long copiedForFirst = registry.copiedEntries();
        for (int i = first; i < all; i++) {
            sub(i, "user." + i + ".events");
        }
        long copiedForLast = registry.copiedEntries() - copiedForFirst;
        int last = all - first;
        assertThat(copiedForLast)
                .as("entries copied by the last %d subscribes (the first %d copied %d)", last, first, copiedForFirst)
                .isLessThanOrEqualTo(2L * last);
        assertThat(copiedForLast / (double) last)
                .as("copies per subscribe must not grow with the number of actors")
                .isLessThanOrEqualTo(copiedForFirst / (double) first + 1.0);
        // the live structure is linear too: per subscription a few child links
        assertThat(registry.retainedEntries()).isLessThanOrEqualTo(4L * all);
        assertThat(match("user.0.events")).containsExactly("a0");
        assertThat(match("user.19999.events")).containsExactly("a19999");
        assertThat(match("user.20000.events")).isEmpty();
    }

    @Test
    void unsubscribingPrunesTheTreeBackToNothing() {
        for (int i = 0; i < 2_000; i++) {
            sub(i, "user." + i + ".events");
            sub(i, "user.*.>");
        }
        for (int i = 0; i < 2_000; i++) {
            assertThat(registry.unsubscribe(i, "user." + i + ".events")).isTrue();
        }
        for (int i = 0; i < 2_000; i++) {
            registry.removeAll(i);
        }
        assertThat(registry.retainedEntries()).isZero();
        assertThat(registry.subscribedActors()).isZero();
    }

    @Test
    void theCacheDoesNotPinOldTreesWhileSubscriptionsChurn() {
        // the issue: +500 MB after 10,000 subscriptions and 4,000 publishes with churn, because
        // every cached topic kept its own copy of the tree
        int actors = 4_000;
        for (int i = 0; i < actors; i++) {
            sub(i, "user." + i + ".events");
        }
        long live = registry.retainedEntries();
        for (int i = 0; i < actors; i++) {
            assertThat(match("user." + i + ".events")).containsExactly("a" + i);
            long churned = actors + i; // a new actor subscribes, an old one leaves
            sub(churned, "user." + churned + ".events");
            registry.removeAll(churned - actors);
        }
        assertThat(registry.retainedEntries())
                .as("child links kept reachable by the tree and the cache (the live tree alone had %d)", live)
                .isLessThanOrEqualTo(2 * live);
    }

    @Test
    void theCacheKeepsNoSubscriberAfterItWasRemoved() {
        TopicRegistry<Object> r = new TopicRegistry<>();
        Object gone = new Object();
        Object stays = new Object();
        r.subscribe(1, "t.x", k -> gone);
        r.subscribe(2, "t.*", k -> stays);
        assertThat(r.match("t.x")).containsExactly(gone, stays); // cached
        assertThat(r.match("t.y")).containsExactly(stays); // cached
        assertThat(r.unsubscribe(1, "t.x")).isTrue();
        assertThat(r.cacheRetains(gone)).as("cache still holds the unsubscribed subscriber").isFalse();
        r.subscribe(1, "t.>", k -> gone);
        assertThat(r.match("t.x")).containsExactly(stays, gone);
        r.removeAll(1);
        assertThat(r.cacheRetains(gone)).as("cache still holds the removed subscriber").isFalse();
        assertThat(r.match("t.x")).containsExactly(stays);
    }

    @Test
    void theCacheNeverHoldsMoreThanItsLimit() throws Exception {
        sub(1, "user.>");
        for (int i = 0; i < TopicRegistry.MAX_CACHED_TOPICS * 3; i++) {
            assertThat(match("user." + i)).containsExactly("a1");
            assertThat(registry.cachedTopics()).isLessThanOrEqualTo(TopicRegistry.MAX_CACHED_TOPICS);
        }
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        AtomicReference<String> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int base = t * 100_000;
            Thread reader = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < TopicRegistry.MAX_CACHED_TOPICS * 4; i++) {
                    if (registry.match("user." + (base + i)).length != 1) {
                        failure.compareAndSet(null, "user." + (base + i) + " missed its subscriber");
                    }
                }
            });
            reader.start();
            readers.add(reader);
        }
        start.countDown();
        for (Thread reader : readers) {
            reader.join(60_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(registry.cachedTopics()).isBetween(1, TopicRegistry.MAX_CACHED_TOPICS);
    }

    @Test
    void stableSubscribersAreMatchedOnceWhileOthersChurnAcrossEveryShapeOfNode() throws Exception {
        // 60 churning actors push the nodes' subscription lists over and under the size where an
        // array becomes a concurrent set, and prune and recreate nodes, while readers match
        String[] stablePatterns = {"s.*.z", "s.>", "s.y.z", ">"};
        for (int i = 0; i < stablePatterns.length; i++) {
            sub(i, stablePatterns[i]);
        }
        String[] churned = {"s.>", "s.y.*", "s.y.z", "*.y.z", "s.y.z.>", "s.*.z"};
        String[] topics = {"s.y.z", "s.x.z", "s.y.w"};
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random random = new Random(13);
            for (int i = 0; i < 40_000 && failure.get() == null; i++) {
                long id = 10 + random.nextInt(60);
                String p = churned[random.nextInt(churned.length)];
                if (random.nextInt(50) == 0) {
                    registry.removeAll(actor(id));
                } else if (registry.subscribe(id, p, this::actor) == TopicRegistry.Outcome.ALREADY_SUBSCRIBED) {
                    registry.unsubscribe(id, p);
                }
            }
            stop.set(true);
        });
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread reader = new Thread(() -> {
                int n = 0;
                while (!stop.get() && n++ < 5_000_000) {
                    String topic = topics[n % topics.length];
                    List<Object> m = Arrays.asList(registry.match(topic));
                    for (int i = 0; i < stablePatterns.length; i++) {
                        if (Topics.matches(stablePatterns[i], topic) && !m.contains("a" + i)) {
                            failure.compareAndSet(null, "a" + i + " missing from " + topic + ": " + m);
                        }
                    }
                    if (m.size() != m.stream().distinct().count()) {
                        failure.compareAndSet(null, "duplicate subscriber for " + topic + ": " + m);
                    }
                }
            });
            reader.start();
            readers.add(reader);
        }
        writer.start();
        writer.join(60_000);
        stop.set(true);
        for (Thread reader : readers) {
            reader.join(60_000);
        }
        assertThat(failure.get()).isNull();
        for (long id = 10; id < 70; id++) {
            registry.removeAll(actor(id));
        }
        for (long id = 10; id < 70; id++) {
            assertThat(registry.cacheRetains(actor(id))).as("a%d still cached after its removal", id).isFalse();
        }
        assertThat(match("s.y.z")).containsExactly("a0", "a1", "a2", "a3");
        assertThat(registry.subscribedActors()).isEqualTo(stablePatterns.length);
    }

    @Test
    void wildcardsMatchLikeAPlainListAfterRandomChurn() {
        // a reference model: the active (actor, pattern) pairs in subscription order
        String[] patterns = {"a", "a.b", "a.*", "a.>", "*.b", "*.*", ">", "a.b.c", "a.*.c", "*.b.>", "a.b.>", "*"};
        String[] topics = {"a", "b", "a.b", "a.c", "b.b", "a.b.c", "a.x.c", "x.b.c.d", "a.b.c.d"};
        Map<String, Long> model = new LinkedHashMap<>(); // "id pattern" -> subscription order
        Random random = new Random(8_13L);
        long order = 0;
        for (int step = 0; step < 20_000; step++) {
            long id = random.nextInt(40);
            String pattern = patterns[random.nextInt(patterns.length)];
            String key = id + " " + pattern;
            switch (random.nextInt(5)) {
                case 0, 1 -> {
                    TopicRegistry.Outcome o = registry.subscribe(id, pattern, this::actor);
                    assertThat(o).isEqualTo(model.containsKey(key)
                            ? TopicRegistry.Outcome.ALREADY_SUBSCRIBED : TopicRegistry.Outcome.ADDED);
                    model.putIfAbsent(key, order++);
                }
                case 2, 3 -> assertThat(registry.unsubscribe(id, pattern)).isEqualTo(model.remove(key) != null);
                default -> {
                    registry.removeAll(id);
                    model.keySet().removeIf(k -> k.startsWith(id + " "));
                }
            }
            if (step % 97 == 0) {
                for (String topic : topics) {
                    assertThat(match(topic)).as("%s after step %d", topic, step)
                            .containsExactlyElementsOf(expected(model, topic));
                }
            }
        }
    }

    private static List<Object> expected(Map<String, Long> model, String topic) {
        Map<String, Long> oldest = new LinkedHashMap<>();
        model.forEach((key, order) -> {
            String[] idAndPattern = key.split(" ");
            if (Topics.matches(idAndPattern[1], topic)) {
                oldest.merge("a" + idAndPattern[0], order, Math::min);
            }
        });
        return oldest.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .map(e -> (Object) e.getKey()).toList();
    }

    // --------------------------------------------- id reuse (issue #8, item 4, registry half)

    @Test
    void removeAllBySubscriberKeepsANewSubscriberThatReusedTheId() {
        TopicRegistry<Object> r = new TopicRegistry<>();
        Object old = new Object();
        Object reused = new Object();
        assertThat(r.subscribe(7, "orders.created", k -> old)).isEqualTo(TopicRegistry.Outcome.ADDED);
        // the old actor was unregistered and the id registered again before its removal ran
        assertThat(r.subscribe(7, "orders.created", k -> reused))
                .as("the new actor is not subscribed yet, whatever the old one was")
                .isEqualTo(TopicRegistry.Outcome.ADDED);
        assertThat(r.match("orders.created")).containsExactly(reused);
        r.removeAll(old); // the old actor's late removal
        assertThat(r.match("orders.created")).containsExactly(reused);
        assertThat(r.patterns(7)).containsExactly("orders.created");
        r.removeAll(reused);
        assertThat(r.match("orders.created")).isEmpty();
        assertThat(r.patterns(7)).isEmpty();
        assertThat(r.subscribedActors()).isZero();
    }

    @Test
    void removeAllBySubscriberRemovesOnlyThatSubscribersPatterns() {
        TopicRegistry<Object> r = new TopicRegistry<>();
        Object one = new Object();
        Object two = new Object();
        r.subscribe(1, "a.*", k -> one);
        r.subscribe(1, "a.>", k -> one);
        r.subscribe(2, "a.*", k -> two);
        r.removeAll(new Object()); // never subscribed: nothing happens
        assertThat(r.match("a.b")).containsExactly(one, two);
        r.removeAll(one);
        assertThat(r.match("a.b")).containsExactly(two);
        assertThat(r.patterns(1)).isEmpty();
        assertThat(r.patterns(2)).containsExactly("a.*");
    }

    @Test
    void twoSubscribersUnderOneIdAreTwoSubscribers() {
        // dedup is by subscriber identity: an equal-but-distinct subscriber is not dropped
        TopicRegistry<String> r = new TopicRegistry<>();
        String first = new String("same");
        String second = new String("same");
        r.subscribe(1, "x", k -> first);
        r.subscribe(1, "x.>", k -> first);
        r.subscribe(2, "x", k -> second);
        Object[] m = r.match("x");
        assertThat(m).hasSize(2);
        assertThat(m[0]).isSameAs(first);
        assertThat(m[1]).isSameAs(second);
    }
}
