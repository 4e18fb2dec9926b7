package io.airssys.rt.reliability;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bounded soak tests: the heap does not grow over 1,000,000 register/unregister cycles or
 * 10,000,000 messages (ten times more with {@code -Dairssys.reliability.profile=soak}), every
 * message is processed exactly once, and the broker's counters equal the test's own count of
 * what happened to each message, also when the system closes under load.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SoakTest {

    /** Allowed heap growth: far below what a leak of a few bytes per cycle would cause. */
    private static final long SLACK = 8L << 20;

    record Count(int sender, int seq) implements Message<Void> {
    }

    record Sync(CountDownLatch latch) implements Message<Void> {
    }

    @Test
    void registerUnregisterCyclesDoNotGrowTheHeap() {
        int cycles = ReliabilityProfile.scaled(1_000_000);
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker()) {
            ActorId stable = ActorId.of(-1);
            broker.register(stable, Mailbox.unbounded());
            runCycles(broker, cycles / 10); // warm-up: tables and caches reach their steady size
            long before = Heap.usedAfterGc();
            runCycles(broker, cycles - cycles / 10);
            long after = Heap.usedAfterGc();
            assertThat(after - before).as("heap growth over %d cycles", cycles).isLessThan(SLACK);
            assertThat(broker.registeredCount()).isEqualTo(1);
            assertThat(broker.isRegistered(stable)).isTrue();
        }
    }

    private static void runCycles(InMemoryMessageBroker broker, int cycles) {
        for (int i = 0; i < cycles; i++) {
            ActorId id = ActorId.of(i);
            broker.register(id, Mailbox.unbounded());
            broker.subscribe(id, "churn." + (i & 7));
            broker.unregister(id);
        }
    }

    @Test
    void tenMillionMessagesAreEachProcessedOnceInOrderWithoutGrowingTheHeap() throws Exception {
        int total = ReliabilityProfile.scaled(10_000_000);
        int senders = 2;
        int actors = 4;
        try (ActorSystem system = ActorSystem.builder().threads(2).build()) {
            BrokerNode broker = system.broker();
            long[][] lastSeq = new long[actors][senders];
            long[] violations = new long[actors];
            long[] processed = new long[actors];
            ActorId[] ids = new ActorId[actors];
            for (int a = 0; a < actors; a++) {
                int me = a;
                ids[a] = system.spawn(Behaviors.receive()
                        .onTell(Count.class, c -> {
                            if (c.seq() != lastSeq[me][c.sender()] + 1) {
                                violations[me]++;
                            }
                            lastSeq[me][c.sender()] = c.seq();
                            processed[me]++;
                        })
                        .onTell(Sync.class, s -> s.latch().countDown())
                        .build()).id();
            }
            long before = 0;
            int next = 0;
            long sent = 0;
            for (int round = 0; round < 2; round++) { // a tenth to warm up, then all of them measured
                int perPair = (round == 0 ? total / 10 : total) / senders / actors;
                if (round == 1) {
                    before = Heap.usedAfterGc();
                }
                int first = next;
                List<Thread> threads = new ArrayList<>();
                for (int s = 0; s < senders; s++) {
                    int sender = s;
                    threads.add(Thread.ofPlatform().start(() -> {
                        for (int i = 1; i <= perPair; i++) {
                            for (ActorId id : ids) {
                                broker.trySend(id, new Count(sender, first + i));
                            }
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                next += perPair;
                sent += (long) perPair * senders * actors;
                CountDownLatch synced = new CountDownLatch(actors);
                for (ActorId id : ids) {
                    broker.trySend(id, new Sync(synced));
                }
                assertThat(synced.await(2, TimeUnit.MINUTES)).isTrue();
            }
            long after = Heap.usedAfterGc();
            assertThat(java.util.Arrays.stream(processed).sum()).isEqualTo(sent);
            assertThat(violations).containsOnly(0L);
            assertThat(after - before).as("heap growth over %d messages", total).isLessThan(SLACK);
            BrokerMetrics m = broker.metrics();
            assertThat(m.totalDelivered()).isEqualTo(sent + 2L * actors);
            assertThat(m.totalFailed()).isZero();
        }
    }

    record Slow(int n) implements Message<String> {
    }

    record Note(int n) implements Message<Void> {
    }

    /**
     * Closes the system while two producers are sending, at a different point each round, and
     * checks the broker's counters against the test's own ledger rather than against each other
     * ({@code sent == delivered + failed + inFlight()} holds by the definition of
     * {@code inFlight()}, so it cannot fail). The ledger has one slot per message: how many
     * times its handler ran, whether its trySend was refused, how many times it was
     * dead-lettered, and how its future ended. Once everything has settled (bounded wait):
     * every future is complete; each request answered ok ran exactly once and was not
     * dead-lettered; each message that never ran was dead-lettered exactly once; no message was
     * dead-lettered twice; and the broker's sent, delivered and failed equal the ledger's counts.
     */
    @Test
    void closingUnderLoadAccountsForEveryMessageAgainstAnIndependentLedger() throws Exception {
        int producers = 2;
        int perProducer = 20_000; // even i: send (a future), odd i: trySend (one-way)
        int perRound = producers * perProducer;
        int rounds = ReliabilityProfile.scaled(5);
        for (int round = 0; round < rounds; round++) {
            AtomicIntegerArray ran = new AtomicIntegerArray(perRound);
            AtomicIntegerArray refused = new AtomicIntegerArray(perRound);
            AtomicIntegerArray deadLettered = new AtomicIntegerArray(perRound);
            Map<DeadLetterReason, LongAdder> reasons = new ConcurrentHashMap<>();
            CompletableFuture<?>[] futures = new CompletableFuture<?>[perRound];
            AtomicInteger progress = new AtomicInteger();

            ActorSystem system = ActorSystem.builder().threads(2).build();
            BrokerNode broker = system.broker();
            broker.deadLetters().listen(letter -> {
                int n = switch (letter.message()) {
                    case Slow slow -> slow.n();
                    case Note note -> note.n();
                    default -> throw new AssertionError("not a message of this test: " + letter);
                };
                deadLettered.incrementAndGet(n);
                reasons.computeIfAbsent(letter.reason(), r -> new LongAdder()).increment();
            });
            List<ActorId> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(system.spawn(Behaviors.receive()
                        .on(Slow.class, slow -> {
                            ran.incrementAndGet(slow.n());
                            Thread.onSpinWait();
                            return "ok";
                        })
                        .onTell(Note.class, note -> ran.incrementAndGet(note.n()))
                        .build()).id());
            }
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int first = p * perProducer;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int n = first + i;
                        ActorId target = ids.get(i % ids.size());
                        if ((n & 1) == 0) {
                            futures[n] = broker.send(target, new Slow(n));
                        } else {
                            try {
                                broker.trySend(target, new Note(n));
                            } catch (DeliveryException e) { // SendException, or BROKER_CLOSED once closed
                                refused.incrementAndGet(n);
                            }
                        }
                        progress.incrementAndGet();
                    }
                }));
            }
            int closeAt = perRound * (round % 4 + 1) / 5; // a fifth, two fifths, ... of the way
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (progress.get() < closeAt && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            system.close(); // while the producers are still sending
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(1));
                assertThat(t.isAlive()).as("producer still sending after a minute").isFalse();
            }
            // futures[] is complete: the joins order the producers' writes before these reads
            CompletableFuture.allOf(java.util.Arrays.stream(futures).filter(f -> f != null)
                    .toArray(CompletableFuture<?>[]::new)).exceptionally(t -> null).get(1, TimeUnit.MINUTES);

            int r = round;
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                long ok = 0;
                long failed = 0;
                long notesRan = 0;
                long notesLost = 0;
                for (int n = 0; n < perRound; n++) {
                    String at = "round " + r + ", message " + n;
                    assertThat(deadLettered.get(n)).as("%s: dead-lettered at most once", at).isLessThanOrEqualTo(1);
                    assertThat(ran.get(n)).as("%s: processed at most once", at).isLessThanOrEqualTo(1);
                    if ((n & 1) == 0) {
                        CompletableFuture<?> f = futures[n];
                        assertThat(f).as("%s: its future", at).isDone();
                        if (f.isCompletedExceptionally()) {
                            failed++;
                            if (ran.get(n) == 0) {
                                assertThat(deadLettered.get(n)).as("%s: failed without running, so dead-lettered", at)
                                        .isEqualTo(1);
                            }
                        } else {
                            ok++;
                            assertThat(ran.get(n)).as("%s: answered, so processed", at).isEqualTo(1);
                            assertThat(deadLettered.get(n)).as("%s: answered, so not dead-lettered", at).isZero();
                        }
                    } else {
                        assertThat(ran.get(n) + deadLettered.get(n))
                                .as("%s (one-way): processed or dead-lettered, exactly once", at).isEqualTo(1);
                        if (refused.get(n) == 1) {
                            assertThat(deadLettered.get(n)).as("%s: refused, so dead-lettered", at).isEqualTo(1);
                        }
                        if (ran.get(n) == 1) {
                            notesRan++;
                        } else {
                            notesLost++;
                        }
                    }
                }
                BrokerMetrics m = broker.metrics();
                assertThat(m.totalSent()).as("round %d: sent", r).isEqualTo(perRound);
                assertThat(m.totalDelivered()).as("round %d: delivered = answered ok + one-way processed", r)
                        .isEqualTo(ok + notesRan);
                assertThat(m.totalFailed()).as("round %d: failed = futures failed + one-way not processed", r)
                        .isEqualTo(failed + notesLost);
                assertThat(reasons.keySet()).as("round %d: why messages were dead-lettered", r)
                        .isSubsetOf(DeadLetterReason.ACTOR_STOPPED, DeadLetterReason.ACTOR_NOT_FOUND);
            });
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("airssys-rt-")));
    }
}
