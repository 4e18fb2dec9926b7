package io.airssys.rt.internal.topic;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRegistryTest {

    private final TopicRegistry<String> registry = new TopicRegistry<>();

    private void sub(long id, String pattern) {
        assertThat(registry.subscribe(id, pattern, k -> "a" + k)).isEqualTo(TopicRegistry.Outcome.ADDED);
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
        registry.subscribe(1, "a.>", k -> "a" + k);
        sub(3, ">");
        assertThat(match("a.b")).containsExactly("a1", "a2", "a3");
    }

    @Test
    void subscribingTwiceToOnePatternIsIdempotent() {
        sub(1, "x.y");
        assertThat(registry.subscribe(1, "x.y", k -> "a" + k)).isEqualTo(TopicRegistry.Outcome.ALREADY_SUBSCRIBED);
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
                if (registry.subscribe(id, p, k -> "a" + k) == TopicRegistry.Outcome.ALREADY_SUBSCRIBED) {
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
}
