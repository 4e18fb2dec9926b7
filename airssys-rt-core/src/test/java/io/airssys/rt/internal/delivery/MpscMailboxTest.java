package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MpscMailboxTest {

    record Add(int n) implements Message<Void> {
    }

    record Get() implements Message<Integer> {
    }

    private final InMemoryMessageBroker broker = new InMemoryMessageBroker();
    private final List<Runnable> parked = new ArrayList<>();

    @AfterEach
    void close() {
        broker.close();
    }

    /** An executor that runs nothing until {@link #runParked()}: the actor stays idle meanwhile. */
    private ActorSystem parkedSystem() {
        return ActorSystem.builder().broker(broker).executor(parked::add).build();
    }

    private void runParked() {
        while (!parked.isEmpty()) {
            parked.remove(0).run();
        }
    }

    @Test
    void theBacklogHintCountsWaitingMessagesUpToItsCap() {
        MpscMailbox<?> mb = (MpscMailbox<?>) Mailbox.unbounded();
        broker.register(ActorId.newId(), mb);
        assertThat(mb.backlogHint(32)).isZero();
        for (int i = 0; i < 5; i++) {
            mb.offer(Envelope.oneWay(new Add(i), Priority.NORMAL), true);
        }
        mb.offer(Envelope.oneWay(new Add(9), Priority.CRITICAL), true);
        assertThat(mb.backlogHint(32)).isEqualTo(6).isEqualTo(mb.size());
        assertThat(mb.backlogHint(4)).isEqualTo(4);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 7})
    void aBoundedMailboxAcceptsExactlyItsCapacity(int capacity) {
        MpscMailbox<?> mb = (MpscMailbox<?>) Mailbox.bounded(capacity);
        broker.register(ActorId.newId(), mb);
        for (int i = 0; i < capacity; i++) {
            assertThat(mb.offer(Envelope.oneWay(new Add(i), Priority.NORMAL), true)).isEqualTo(MpscMailbox.ACCEPTED);
        }
        assertThat(mb.offer(Envelope.oneWay(new Add(-1), Priority.NORMAL), true)).isEqualTo(MpscMailbox.FULL);
        assertThat(mb.size()).isEqualTo(capacity);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 64})
    void concurrentProducersNeverOverfillABoundedMailbox(int capacity) throws Exception {
        MpscMailbox<?> mb = (MpscMailbox<?>) Mailbox.bounded(capacity);
        broker.register(ActorId.newId(), mb);
        int threads = 4;
        AtomicInteger accepted = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 1_000; i++) {
                        if (mb.offer(Envelope.oneWay(new Add(i), Priority.NORMAL), true) == MpscMailbox.ACCEPTED) {
                            accepted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        assertThat(accepted.get()).isEqualTo(capacity);
        assertThat(mb.size()).isEqualTo(capacity);
    }

    @Test
    void aBoundedMailboxKeepsItsBoundWhenItsCountsWrap() {
        // the admission counts (units taken, messages taken out) are ints that wrap after 2^32
        // messages; start them just below the wrap and take the mailbox across it
        int capacity = 3;
        MpscMailbox<?> mb = (MpscMailbox<?>) Mailbox.bounded(capacity);
        broker.register(ActorId.newId(), mb);
        int start = Integer.MAX_VALUE - 1;
        MailboxProducerFields.RESERVED.set(mb, start);
        MailboxProducerFields.CONSUMED_SEEN.set(mb, start);
        MailboxConsumerFields.CONSUMED.set(mb, start);
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < capacity; i++) {
                assertThat(mb.offer(Envelope.oneWay(new Add(i), Priority.NORMAL), true)).isEqualTo(MpscMailbox.ACCEPTED);
            }
            assertThat(mb.offer(Envelope.oneWay(new Add(-1), Priority.NORMAL), true)).isEqualTo(MpscMailbox.FULL);
            assertThat(mb.size()).isEqualTo(capacity);
            for (int i = 0; i < capacity; i++) { // the test is the consumer: no actor is attached
                assertThat(mb.pollFirst()).isNotNull();
                mb.noteTaken();
            }
            assertThat(mb.size()).isZero();
        }
        assertThat((int) MailboxProducerFields.RESERVED.get(mb)).as("the counts wrapped").isLessThan(start);
    }

    @Test
    void anUnboundedMailboxCountsWhatItHoldsInTheQueueAndTheLanes() {
        // no counter: size() walks the queue and, once a priority is used, the lanes
        ActorSystem system = parkedSystem();
        Mailbox<Message<?>> mb = Mailbox.unbounded();
        ActorId id = ActorId.newId();
        broker.register(id, mb);
        List<Integer> order = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        system.attach(Behaviors.receive().onTell(Add.class, a -> {
            order.add(a.n());
            sizes.add(mb.size()); // on the run's own thread, between its lane writes
        }).build(), mb);
        runParked(); // preStart
        broker.trySend(id, new Add(1));
        broker.trySend(id, new Add(2), io.airssys.rt.broker.SendOptions.priority(Priority.HIGH));
        broker.trySend(id, new Add(3));
        assertThat(mb.size()).isEqualTo(3); // all in the queue
        runParked(); // the run moves them into the lanes: HIGH first, then NORMAL in send order
        assertThat(order).containsExactly(2, 1, 3);
        assertThat(sizes).containsExactly(2, 1, 0);
        assertThat(mb.size()).isZero();
    }

    @Test
    void messagesSentBeforeAttachWaitAndAreProcessedInOrder() {
        AtomicInteger sum = new AtomicInteger();
        List<Integer> seen = new ArrayList<>();
        ActorSystem system = parkedSystem();
        Mailbox<Message<?>> mb = Mailbox.unbounded();
        ActorId id = ActorId.newId();
        broker.register(id, mb);
        for (int i = 1; i <= 5; i++) {
            broker.trySend(id, new Add(i));
        }
        assertThat(parked).isEmpty(); // nothing to run: no actor yet
        system.attach(Behaviors.receive().onTell(Add.class, a -> {
            seen.add(a.n());
            sum.addAndGet(a.n());
        }).build(), mb);
        runParked();
        assertThat(seen).containsExactly(1, 2, 3, 4, 5);
        assertThat(mb.size()).isZero();
    }

    @Test
    void closingAnIdleMailboxFailsItsQueueAndRunsPostStopOnTheClosingThread() {
        ActorSystem system = parkedSystem();
        AtomicInteger stops = new AtomicInteger();
        Thread[] stopThread = new Thread[1];
        ActorId id = system.spawn(Behaviors.receive()
                .onTell(Add.class, a -> { })
                .onStop(ctx -> {
                    stops.incrementAndGet();
                    stopThread[0] = Thread.currentThread();
                })
                .build()).id();
        runParked(); // preStart
        CompletableFuture<Void> never = broker.send(id, new Add(1));
        assertThat(parked).hasSize(1); // scheduled, not yet run
        broker.unregister(id);
        assertThat(never).isCompletedExceptionally();
        assertThatThrownBy(never::join).hasCauseInstanceOf(SendException.class);
        assertThat(((SendException) never.exceptionNow()).error()).isEqualTo(SendError.ACTOR_STOPPED);
        runParked(); // the stale run finds the mailbox terminated and does nothing
        assertThat(stops.get()).isEqualTo(1);
        assertThat(stopThread[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void anActorSendingToItselfOnASameThreadExecutorDoesNotRecurse() {
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        ActorSystem system = ActorSystem.builder().broker(broker).executor(Runnable::run).build();
        ActorId[] self = new ActorId[1];
        self[0] = system.spawn(Behaviors.receive().onTell(Add.class, a -> {
            maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
            count.incrementAndGet();
            if (a.n() > 0) {
                broker.trySend(self[0], new Add(a.n() - 1));
            }
            depth.decrementAndGet();
        }).build()).id();
        broker.trySend(self[0], new Add(10_000));
        assertThat(count.get()).isEqualTo(10_001);
        assertThat(maxDepth.get()).isEqualTo(1);
    }

    @Test
    void manyProducersNoLostWakeup() throws Exception {
        // Each round: the actor drains and goes idle while producers race to push; every push
        // must be processed without any further nudge.
        try (ActorSystem system = ActorSystem.builder().broker(broker).threads(2).throughput(1).build()) {
            AtomicInteger processed = new AtomicInteger();
            ActorId id = system.spawn(Behaviors.receive().onTell(Add.class, a -> processed.incrementAndGet())
                    .on(Get.class, g -> processed.get()).build()).id();
            int producers = 3;
            int rounds = 2_000;
            for (int r = 0; r < rounds; r++) {
                CountDownLatch go = new CountDownLatch(1);
                Thread[] ts = new Thread[producers];
                for (int p = 0; p < producers; p++) {
                    ts[p] = Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        broker.trySend(id, new Add(1));
                    });
                }
                go.countDown();
                for (Thread t : ts) {
                    t.join();
                }
                int expected = (r + 1) * producers;
                assertThat(broker.send(id, new Get()).get(10, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        }
    }
}
