package io.airssys.rt.reliability;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bounded soak tests: the heap does not grow over 1,000,000 register/unregister cycles or
 * 10,000,000 messages (ten times more with {@code -Dairssys.reliability.profile=soak}), every
 * message is processed exactly once, and the counters balance.
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
            MessageBroker broker = system.broker();
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
                        .build());
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

    @Test
    void everyFutureCompletesWhenTheBrokerClosesUnderLoadAndNoThreadIsLeft() throws Exception {
        record Slow() implements Message<String> {
        }
        List<CompletableFuture<String>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round < ReliabilityProfile.scaled(5); round++) {
            ActorSystem system = ActorSystem.builder().threads(2).build();
            MessageBroker broker = system.broker();
            List<ActorId> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(system.spawn(Behaviors.receive().on(Slow.class, s -> {
                    Thread.onSpinWait();
                    return "ok";
                }).build()));
            }
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                producers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        all.add(broker.send(ids.get(i % ids.size()), new Slow()));
                    }
                }));
            }
            Thread.onSpinWait();
            system.close(); // while the producers are still sending
            for (Thread t : producers) {
                t.join();
            }
            BrokerMetrics m = broker.metrics();
            assertThat(m.totalSent()).isEqualTo(m.totalDelivered() + m.totalFailed() + m.inFlight());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(t -> null)
                .get(1, TimeUnit.MINUTES);
        assertThat(all).allSatisfy(f -> assertThat(f).isDone());
        await().atMost(Duration.ofSeconds(20)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("airssys-rt-")));
    }
}
