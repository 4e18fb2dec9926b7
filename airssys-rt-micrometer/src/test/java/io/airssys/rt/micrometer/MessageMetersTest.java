package io.airssys.rt.micrometer;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.instrument.Outcome;
import io.airssys.rt.mailbox.Mailbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * End to end through an {@link InMemoryMessageBroker} and an {@link ActorSystem}: the timers and
 * the outcome counters per message type, actor group and outcome, and no actor id in any tag.
 */
class MessageMetersTest {

    record Deposit(int cents) implements Message<Integer> {
    }

    record Withdraw(int cents) implements Message<Integer> {
    }

    record Ping() implements Message<Void> {
    }

    private static final int ACCOUNTS = 50;
    private static final int SESSIONS = 50;

    /** Ids below 2000 are accounts, below 3000 sessions: a few groups for many actors. */
    private static String group(ActorId id) {
        long n = id.asLong();
        return n < 2000 ? "accounts" : n < 3000 ? "sessions" : "other";
    }

    @Test
    void timers_and_counters_per_type_group_and_outcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerInstrumentation instrumentation = MicrometerInstrumentation.builder(registry)
                .actorGroups(MessageMetersTest::group)
                .build();
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder().instrumentation(instrumentation).build();
        Behavior<Message<?>> account = Behaviors.receive()
                .on(Deposit.class, d -> d.cents())
                .on(Withdraw.class, w -> {
                    if (w.cents() > 100) {
                        throw new IllegalStateException("insufficient funds for " + w.cents());
                    }
                    return -w.cents();
                })
                .build();
        Behavior<Message<?>> session = Behaviors.receive().on(Deposit.class, d -> 0).build();
        List<ActorId> accounts = new ArrayList<>();
        List<ActorId> sessions = new ArrayList<>();
        try (ActorSystem system = ActorSystem.builder().broker(broker).threads(2).build()) {
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts.add(system.spawn(ActorId.of(1000 + i), account, Mailbox.unbounded()).id());
            }
            for (int i = 0; i < SESSIONS; i++) {
                sessions.add(system.spawn(ActorId.of(2000 + i), session, Mailbox.unbounded()).id());
            }
            assertThat(gauge(registry, "accounts")).isEqualTo(ACCOUNTS);
            assertThat(gauge(registry, "sessions")).isEqualTo(SESSIONS);

            List<CompletableFuture<?>> replies = new ArrayList<>();
            for (ActorId a : accounts) {
                replies.add(broker.send(a, new Deposit(10)));
            }
            for (ActorId s : sessions) {
                replies.add(broker.send(s, new Deposit(10)));
            }
            for (int i = 0; i < 5; i++) {
                replies.add(broker.send(accounts.get(i), new Withdraw(500))); // the handler throws
                replies.add(broker.send(accounts.get(i), new Withdraw(5)));
            }
            replies.add(broker.send(accounts.get(0), new Ping())); // no handler: unhandled
            replies.forEach(r -> r.handle((v, e) -> null).join());
            assertThatThrownBy(() -> broker.trySend(ActorId.of(9999), new Ping())) // nobody: actor_not_found
                    .isInstanceOf(SendException.class);

            await().atMost(Duration.ofSeconds(10)).until(() -> sumOutcomes(registry) == broker.metrics().totalSent());
            BrokerMetrics metrics = broker.metrics();
            assertThat(metrics.inFlight()).isZero();

            assertThat(queued(registry, "Deposit", "accounts")).isEqualTo(ACCOUNTS);
            assertThat(queued(registry, "Deposit", "sessions")).isEqualTo(SESSIONS);
            assertThat(queued(registry, "Withdraw", "accounts")).isEqualTo(10);
            assertThat(processing(registry, "Deposit", "accounts", "success")).isEqualTo(ACCOUNTS);
            assertThat(processing(registry, "Withdraw", "accounts", "success")).isEqualTo(5);
            assertThat(processing(registry, "Withdraw", "accounts", "failure")).isEqualTo(5);
            assertThat(registry.find(MicrometerInstrumentation.PROCESSING).tag("type", "Deposit")
                    .tag("outcome", "failure").timer()).as("no failure series where nothing failed").isNull();
            assertThat(registry.get(MicrometerInstrumentation.PROCESSING).tag("type", "Deposit")
                    .tag("group", "accounts").timer().totalTime(TimeUnit.NANOSECONDS))
                    .isPositive();

            assertThat(outcome(registry, "Deposit", "accounts", Outcome.REPLIED)).isEqualTo(ACCOUNTS);
            assertThat(outcome(registry, "Deposit", "sessions", Outcome.REPLIED)).isEqualTo(SESSIONS);
            assertThat(outcome(registry, "Withdraw", "accounts", Outcome.REPLIED)).isEqualTo(5);
            assertThat(outcome(registry, "Withdraw", "accounts", Outcome.HANDLER_FAILED)).isEqualTo(5);
            assertThat(outcome(registry, "Ping", "accounts", Outcome.UNHANDLED)).isEqualTo(1);
            assertThat(outcome(registry, "Ping", "other", Outcome.ACTOR_NOT_FOUND)).isEqualTo(1);

            // the counters agree with the broker's: every message once, replied = delivered
            assertThat(sumOutcomes(registry)).isEqualTo(metrics.totalSent());
            double replied = registry.find(MicrometerInstrumentation.OUTCOMES).tag("outcome", "replied")
                    .counters().stream().mapToDouble(Counter::count).sum();
            assertThat(replied).isEqualTo(metrics.totalDelivered());

            // 100 actors, yet the tags hold only types, groups and outcomes: no actor id anywhere
            Set<String> groups = new HashSet<>();
            Set<String> tagValues = new HashSet<>();
            for (Meter meter : registry.getMeters()) {
                for (Tag tag : meter.getId().getTags()) {
                    tagValues.add(tag.getValue());
                    if (tag.getKey().equals("group")) {
                        groups.add(tag.getValue());
                    }
                }
            }
            assertThat(groups).containsExactlyInAnyOrder("accounts", "sessions", "other");
            for (ActorId id : accounts) {
                assertThat(tagValues).doesNotContain(id.toString(), Long.toString(id.asLong()));
            }
        }
        // closing the system unregistered everyone
        assertThat(gauge(registry, "accounts")).isZero();
        assertThat(gauge(registry, "sessions")).isZero();
    }

    @Test
    void defaults_put_every_actor_in_one_group_and_name_types_by_simple_name() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder()
                .instrumentation(MicrometerInstrumentation.builder(registry).build())
                .build();
        try (ActorSystem system = ActorSystem.builder().broker(broker).threads(1).build()) {
            ActorId a = system.spawn(Behaviors.receive().on(Deposit.class, d -> 1).build()).id();
            ActorId b = system.spawn(Behaviors.receive().on(Deposit.class, d -> 2).build()).id();
            assertThat(broker.send(a, new Deposit(1)).join()).isEqualTo(1);
            assertThat(broker.send(b, new Deposit(1)).join()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outcome(registry, "Deposit", MicrometerInstrumentation.DEFAULT_GROUP, Outcome.REPLIED) == 2);
            assertThat(queued(registry, "Deposit", "all")).isEqualTo(2);
            assertThat(gauge(registry, "all")).isEqualTo(2);
        }
    }

    @Test
    void a_custom_type_namer_names_the_type_tag() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder()
                .instrumentation(MicrometerInstrumentation.builder(registry)
                        .messageTypeNames(type -> "bank." + type.getSimpleName().toLowerCase(Locale.ROOT))
                        .build())
                .build();
        try (ActorSystem system = ActorSystem.builder().broker(broker).threads(1).build()) {
            ActorId a = system.spawn(Behaviors.receive().on(Deposit.class, d -> 1).build()).id();
            broker.send(a, new Deposit(1)).join();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outcome(registry, "bank.deposit", "all", Outcome.REPLIED) == 1);
            assertThat(registry.find(MicrometerInstrumentation.QUEUED).tag("type", "Deposit").timer()).isNull();
        }
    }

    /**
     * The meters of a pair are registered on first use without a lock: when several threads use a
     * new pair at once, each must still land on the one meter the registry holds. Drives the hooks
     * directly from 8 threads (the broker dispatches on fewer), released together by a latch.
     */
    @Test
    void first_use_of_a_pair_on_many_threads_at_once_loses_no_count() throws Exception {
        record Fresh() {
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerInstrumentation hooks = MicrometerInstrumentation.builder(registry).build();
        int threads = 8;
        int perThread = 1_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    ActorId actor = ActorId.of(7);
                    for (int i = 0; i < perThread; i++) {
                        Fresh message = new Fresh();
                        Object sent = hooks.onSend(actor, message, Priority.NORMAL, Map.of());
                        Object run = hooks.onProcessStart(actor, message, sent, 1_000);
                        hooks.onProcessEnd(actor, message, run, 2_000, i % 2 == 0 ? null : new IllegalStateException());
                        hooks.onOutcome(message, sent, i % 2 == 0 ? Outcome.REPLIED : Outcome.HANDLER_FAILED, null);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = threads * perThread;
        assertThat(queued(registry, "Fresh", "all")).isEqualTo(total);
        assertThat(processing(registry, "Fresh", "all", "success")).isEqualTo(total / 2);
        assertThat(processing(registry, "Fresh", "all", "failure")).isEqualTo(total / 2);
        assertThat(outcome(registry, "Fresh", "all", Outcome.REPLIED)).isEqualTo(total / 2);
        assertThat(outcome(registry, "Fresh", "all", Outcome.HANDLER_FAILED)).isEqualTo(total / 2);
    }

    @Test
    void each_option_is_set_once() {
        var builder = MicrometerInstrumentation.builder(new SimpleMeterRegistry()).actorGroups(id -> "x");
        assertThatThrownBy(() -> builder.actorGroups(id -> "y"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("actorGroups");
        assertThatThrownBy(() -> MicrometerInstrumentation.builder(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("meterRegistry");
    }

    private static double gauge(SimpleMeterRegistry registry, String group) {
        return registry.get(MicrometerInstrumentation.ACTORS).tag("group", group).gauge().value();
    }

    private static long queued(SimpleMeterRegistry registry, String type, String group) {
        return registry.get(MicrometerInstrumentation.QUEUED).tag("type", type).tag("group", group).timer().count();
    }

    private static long processing(SimpleMeterRegistry registry, String type, String group, String outcome) {
        return registry.get(MicrometerInstrumentation.PROCESSING).tag("type", type).tag("group", group)
                .tag("outcome", outcome).timer().count();
    }

    private static double outcome(SimpleMeterRegistry registry, String type, String group, Outcome outcome) {
        Counter c = registry.find(MicrometerInstrumentation.OUTCOMES).tag("type", type).tag("group", group)
                .tag("outcome", outcome.tag()).counter();
        return c == null ? 0 : c.count();
    }

    private static double sumOutcomes(SimpleMeterRegistry registry) {
        return registry.find(MicrometerInstrumentation.OUTCOMES).counters().stream().mapToDouble(Counter::count).sum();
    }
}
