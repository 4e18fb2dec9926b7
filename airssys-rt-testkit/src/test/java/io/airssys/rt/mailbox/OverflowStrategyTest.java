package io.airssys.rt.mailbox;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.testkit.ManualExecutor;
import io.airssys.rt.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each overflow strategy at capacities 1, 2 and N, deterministically (the actor runs only when
 * the manual executor is stepped), and under many concurrent producers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OverflowStrategyTest {

    record Job(String tag) implements Message<String> {
    }

    record Fire(String tag) implements Message<Void> {
    }

    private final ManualExecutor executor = new ManualExecutor();
    private final ManualScheduler clock = new ManualScheduler();
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final ActorSystem system = ActorSystem.builder()
            .broker(InMemoryMessageBroker.builder().scheduler(clock).build())
            .executor(executor)
            .build();
    private final BrokerNode broker = system.broker();

    @AfterEach
    void close() {
        system.close();
    }

    private ActorId spawnIdle(Mailbox<?> mailbox) {
        ActorId id = system.spawn(Behaviors.receive()
                .on(Job.class, j -> {
                    processed.add(j.tag());
                    return j.tag();
                })
                .onTell(Fire.class, f -> processed.add(f.tag()))
                .build(), mailbox).id();
        executor.runAll(); // preStart; the actor now waits for the executor to be stepped
        return id;
    }

    private static SendError errorOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return ((SendException) f.exceptionNow()).error();
    }

    private long deadLetters(DeadLetterReason reason) {
        return broker.deadLetters().countsByReason().get(reason);
    }

    private List<CompletableFuture<String>> fill(ActorId id, int n) {
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            replies.add(broker.send(id, new Job("m" + i)));
        }
        return replies;
    }

    private static List<String> tags(int from, int to) {
        List<String> t = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            t.add("m" + i);
        }
        return t;
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 5})
    void failRefusesTheNewMessage(int capacity) {
        ActorId id = spawnIdle(Mailbox.builder().capacity(capacity).overflow(OverflowStrategy.FAIL).build());
        List<CompletableFuture<String>> accepted = fill(id, capacity);
        assertThatThrownBy(() -> broker.trySend(id, new Fire("x")))
                .isInstanceOfSatisfying(SendException.class, e -> assertThat(e.error()).isEqualTo(SendError.MAILBOX_FULL));
        assertThat(errorOf(broker.send(id, new Job("y")))).isEqualTo(SendError.MAILBOX_FULL);
        assertThat(deadLetters(DeadLetterReason.MAILBOX_FULL)).isEqualTo(2);
        executor.runAll();
        assertThat(processed).containsExactlyElementsOf(tags(1, capacity));
        assertThat(accepted).allSatisfy(f -> assertThat(f).isCompleted());
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 5})
    void dropNewestDropsTheNewMessageQuietlyForTrySend(int capacity) {
        ActorId id = spawnIdle(Mailbox.builder().capacity(capacity).overflow(OverflowStrategy.DROP_NEWEST).build());
        fill(id, capacity);
        broker.trySend(id, new Fire("dropped")); // no exception: dropped, dead-lettered
        assertThat(errorOf(broker.send(id, new Job("refused")))).isEqualTo(SendError.MAILBOX_FULL);
        assertThat(deadLetters(DeadLetterReason.MAILBOX_FULL)).isEqualTo(2);
        assertThat(broker.deadLetters().snapshot()).extracting(d -> d.message().toString())
                .contains(new Fire("dropped").toString());
        executor.runAll();
        assertThat(processed).containsExactlyElementsOf(tags(1, capacity));
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 5})
    void dropOldestEvictsTheOldestWaitingMessage(int capacity) {
        ActorId id = spawnIdle(Mailbox.builder().capacity(capacity).overflow(OverflowStrategy.DROP_OLDEST).build());
        List<CompletableFuture<String>> first = fill(id, capacity);
        CompletableFuture<String> newest = broker.send(id, new Job("new"));
        assertThat(errorOf(first.get(0))).isEqualTo(SendError.MAILBOX_FULL);
        assertThat(first.get(0).exceptionNow()).hasMessageContaining("evicted");
        assertThat(deadLetters(DeadLetterReason.EVICTED)).isEqualTo(1);
        executor.runAll();
        List<String> expected = tags(2, capacity);
        expected.add("new");
        assertThat(processed).containsExactlyElementsOf(expected);
        assertThat(newest.join()).isEqualTo("new");
        assertThat(broker.metrics().inFlight()).isZero();
    }

    @Test
    void dropOldestEvictsFromTheLowestPriorityFirst() {
        ActorId id = spawnIdle(Mailbox.builder().capacity(2).overflow(OverflowStrategy.DROP_OLDEST).build());
        CompletableFuture<String> high = broker.sendWithPriority(id, new Job("high"), Priority.HIGH);
        CompletableFuture<String> low = broker.sendWithPriority(id, new Job("low"), Priority.LOW);
        CompletableFuture<String> normal = broker.send(id, new Job("normal"));
        assertThat(errorOf(low)).isEqualTo(SendError.MAILBOX_FULL);
        executor.runAll();
        assertThat(processed).containsExactly("high", "normal");
        assertThat(high.join()).isEqualTo("high");
        assertThat(normal.join()).isEqualTo("normal");
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 5})
    void blockParksSendersWithoutAThreadAndAdmitsThemInOrder(int capacity) {
        ActorId id = spawnIdle(Mailbox.builder().capacity(capacity).overflow(OverflowStrategy.BLOCK).build());
        List<CompletableFuture<String>> all = fill(id, capacity + 3);
        assertThat(all.subList(capacity, capacity + 3)).allSatisfy(f -> assertThat(f).isNotDone());
        assertThatThrownBy(() -> broker.trySend(id, new Fire("must not wait")))
                .isInstanceOfSatisfying(SendException.class, e -> assertThat(e.error()).isEqualTo(SendError.MAILBOX_FULL));
        executor.runAll();
        assertThat(processed).containsExactlyElementsOf(tags(1, capacity + 3));
        assertThat(all).allSatisfy(f -> assertThat(f).isCompleted());
        BrokerMetrics m = broker.metrics();
        assertThat(m.totalDelivered()).isEqualTo(capacity + 3);
        assertThat(m.totalFailed()).isEqualTo(1); // the trySend
    }

    @Test
    void aBlockedSenderTimesOutAndItsMessageIsNeverProcessed() {
        ActorId id = spawnIdle(Mailbox.builder().capacity(1).overflow(OverflowStrategy.BLOCK).build());
        fill(id, 1);
        CompletableFuture<String> parked = broker.send(id, new Job("late"), Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(errorOf(parked)).isEqualTo(SendError.TIMEOUT);
        executor.runAll();
        assertThat(processed).containsExactly("m1");
        assertThat(deadLetters(DeadLetterReason.TIMED_OUT)).isEqualTo(1);
        assertThat(broker.metrics().inFlight()).isZero();
    }

    @Test
    void blockKeepsPerSenderOrderWhenTheActorIsBusy() throws Exception {
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ActorId id = system.spawn(Behaviors.receive().on(Job.class, j -> {
            processed.add(j.tag());
            if (j.tag().equals("X")) {
                inside.countDown();
                release.await(); // the actor is busy while b1 and b2 arrive
            }
            return j.tag();
        }).build(), Mailbox.builder().capacity(2).overflow(OverflowStrategy.BLOCK).build()).id();
        executor.runAll(); // preStart
        broker.send(id, new Job("X"));
        broker.send(id, new Job("Y")); // X and Y are taken together: Y waits in the actor's lanes
        Thread consumer = new Thread(executor::runAll);
        consumer.start();
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> b1 = broker.send(id, new Job("b1")); // accepted: the last unit
        CompletableFuture<String> b2 = broker.send(id, new Job("b2")); // parked: the mailbox is full
        assertThat(b2).isNotDone();
        release.countDown();
        consumer.join(20_000);
        executor.runAll();
        assertThat(processed).containsExactly("X", "Y", "b1", "b2");
        assertThat(b1.join()).isEqualTo("b1");
        assertThat(b2.join()).isEqualTo("b2");
    }

    @Test
    void blockReleasesParkedSendersThatTimeOutWhileTheActorIsStuck() {
        ActorId id = spawnIdle(Mailbox.builder().capacity(1).overflow(OverflowStrategy.BLOCK).build());
        fill(id, 1); // never processed: the executor is not stepped
        List<CompletableFuture<String>> parked = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            parked.add(broker.send(id, new Job("p" + i), Duration.ofSeconds(1)));
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(parked).allSatisfy(f -> assertThat(errorOf(f)).isEqualTo(SendError.TIMEOUT));
        // retired at once, not when the consumer moves: counted, dead-lettered, no longer retained
        assertThat(deadLetters(DeadLetterReason.TIMED_OUT)).isEqualTo(1_000);
        assertThat(broker.metrics().inFlight()).isEqualTo(1);
        executor.runAll();
        assertThat(processed).containsExactly("m1");
        assertThat(broker.metrics().inFlight()).isZero();
        assertThat(deadLetters(DeadLetterReason.TIMED_OUT)).isEqualTo(1_000);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2})
    void dropOldestTrySendIsAlwaysAcceptedUnderContention(int capacity) throws Exception {
        int producers = 4;
        int each = 10_000;
        try (ActorSystem real = ActorSystem.builder().threads(2).build()) {
            BrokerNode b = real.broker();
            ActorId id = real.spawn(Behaviors.receive().onTell(Fire.class, f -> { }).build(),
                    Mailbox.builder().capacity(capacity).overflow(OverflowStrategy.DROP_OLDEST).build()).id();
            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            inParallel(producers, () -> {
                for (int i = 0; i < each; i++) {
                    try {
                        b.trySend(id, new Fire("f"));
                    } catch (SendException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            assertThat(refused.get()).as("DROP_OLDEST try-sends refused").isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> b.metrics().inFlight() == 0);
            BrokerMetrics m = b.metrics();
            assertThat(m.totalSent()).isEqualTo(producers * each);
            assertThat(m.totalFailed()).isEqualTo(b.deadLetters().countsByReason().get(DeadLetterReason.EVICTED));
        }
    }

    @Test
    void closingFailsParkedSenders() {
        ActorId id = spawnIdle(Mailbox.builder().capacity(1).overflow(OverflowStrategy.BLOCK).build());
        List<CompletableFuture<String>> all = fill(id, 3);
        broker.unregister(id);
        assertThat(all).allSatisfy(f -> assertThat(errorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
        assertThat(deadLetters(DeadLetterReason.ACTOR_STOPPED)).isEqualTo(3);
    }

    @Test
    void aStrategyOtherThanFailNeedsACapacity() {
        assertThatThrownBy(() -> Mailbox.builder().overflow(OverflowStrategy.BLOCK).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> Mailbox.builder().capacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mailbox.builder().starvationLimit(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mailbox.builder().capacity(1).capacity(2)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(OverflowStrategy.class)
    void manyProducersLoseNothingUnderEveryStrategy(OverflowStrategy strategy) throws Exception {
        int producers = 4;
        int each = 2_000;
        try (ActorSystem real = ActorSystem.builder().threads(2).build()) {
            BrokerNode b = real.broker();
            ActorId id = real.spawn(Behaviors.receive().on(Job.class, Job::tag).build(),
                    Mailbox.builder().capacity(8).overflow(strategy).build()).id();
            List<CompletableFuture<String>> replies = new CopyOnWriteArrayList<>();
            inParallel(producers, () -> {
                for (int i = 0; i < each; i++) {
                    replies.add(b.send(id, new Job("j")));
                }
            });
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).exceptionally(t -> null)
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> b.metrics().inFlight() == 0);
            BrokerMetrics m = b.metrics();
            long failed = replies.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertThat(m.totalSent()).isEqualTo(producers * each);
            assertThat(m.totalDelivered() + m.totalFailed()).isEqualTo(m.totalSent());
            assertThat(m.totalFailed()).isEqualTo(failed);
            assertThat(b.deadLetters().totalCount()).isEqualTo(failed); // every refused or dropped one
            if (strategy == OverflowStrategy.BLOCK) {
                assertThat(failed).isZero(); // senders waited instead
            }
            replies.stream().filter(CompletableFuture::isCompletedExceptionally).forEach(f ->
                    assertThat(((SendException) f.exceptionNow()).error()).isEqualTo(SendError.MAILBOX_FULL));
        }
    }

    /** Runs {@code body} on {@code threads} threads that start together; waits (bounded) for all. */
    private static void inParallel(int threads, Runnable body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int p = 0; p < threads; p++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    body.run();
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
