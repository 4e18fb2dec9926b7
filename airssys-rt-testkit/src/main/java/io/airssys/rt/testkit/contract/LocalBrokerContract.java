package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour of one {@link BrokerNode} that only code in its JVM can observe: synchronous
 * {@code trySend} errors, exact {@linkplain BrokerNode#metrics() metrics}, dead letters and their
 * reasons, cancellation of queued messages, {@link Mailbox} objects (register, attach, a mailbox
 * of another broker, size), the handler's own throwable as a failure's cause, and what
 * {@code close} and {@code unregister} do while a handler is stuck. Every broker node passes it
 * alongside {@link MessageBrokerContract}: the in-memory broker, and each node of a distributed
 * broker on its own (all actors local, no other node needed).
 *
 * <p>An implementation's test extends this class and supplies a fresh node per test; the
 * contract runs its actors on an {@link ActorSystem} over it (virtual threads) and closes the
 * system after each test:
 *
 * <pre>{@code
 * class InMemoryLocalBrokerContractTest extends LocalBrokerContract {
 *     protected BrokerNode newBroker() {
 *         return new InMemoryMessageBroker();
 *     }
 * }
 * }</pre>
 *
 * <p>Run the subclass like any JUnit 5 test ({@code airssys-rt-testkit} in test scope), e.g.
 * {@code mvn test -Dtest='*ContractTest'}, next to its {@link MessageBrokerContract} subclass.
 * {@link #newBroker()} may be called more than once in a test (a second, independent node for
 * the tests that need a mailbox of another broker); the test closes what it asked for. No test
 * asserts a duration; timeouts used here are only upper bounds for waiting.
 */
public abstract class LocalBrokerContract extends BrokerContractSupport {

    /** The system over the broker under test; closed after each test. */
    protected ActorSystem system;
    /** The broker under test. */
    protected BrokerNode broker;

    /** For subclasses, which supply {@link #newBroker()}. */
    protected LocalBrokerContract() {
    }

    /**
     * Returns a new, empty broker node.
     *
     * @return the broker under test
     */
    protected abstract BrokerNode newBroker();

    @Override
    protected MessageBroker sender() {
        return broker;
    }

    @BeforeEach
    void startSystem() {
        broker = newBroker();
        system = ActorSystem.builder().broker(broker).virtualThreads().build();
    }

    @AfterEach
    void closeSystem() {
        system.close();
    }

    /**
     * Spawns a worker under {@code id}.
     *
     * @param id    the id
     * @param probe where it records
     * @return the id
     */
    protected ActorId spawn(ActorId id, Probe probe) {
        return system.spawn(id, worker(probe), Mailbox.unbounded()).id();
    }

    /**
     * Spawns a worker under a new id.
     *
     * @param probe where it records
     * @return the id
     */
    protected ActorId spawn(Probe probe) {
        return system.spawn(ActorId.newId(), worker(probe), Mailbox.unbounded()).id();
    }

    // ------------------------------------------------------------------ handler failures in one JVM

    @Test
    void handlerFailuresKeepTheHandlersThrowableAsTheirCause() {
        ActorId id = spawn(new Probe());
        broker.subscribe(id, "fail.*");
        assertActorFailedWithCause(failureOf(broker.send(id, new Explode("boom"))), id, "Explode", "boom");
        assertActorFailedWithCause(failureOf(broker.send(id, new ExplodeLater("later"))), id, "ExplodeLater",
                "later");
        assertThat(result(broker.publish("fail.now", new Explode("pub")))).singleElement()
                .isInstanceOfSatisfying(Reply.Failed.class,
                        f -> assertActorFailedWithCause(f.error(), id, "Explode", "pub"));
        assertActorFailedWithCause(failureOf(broker.sendWithRouting(RoutingKey.of("fail.now"), new Explode("routed"))),
                id, "Explode", "routed");
        assertThat(result(broker.broadcast(new Explode("bang")))).singleElement()
                .isInstanceOfSatisfying(Reply.Failed.class,
                        f -> assertActorFailedWithCause(f.error(), id, "Explode", "bang"));
    }

    // ------------------------------------------------------------------ registration, mailbox objects

    @Test
    void registerOnAClosedNodeThrowsBrokerClosed() {
        spawn(new Probe());
        broker.close();
        assertBrokerClosed(catchThrowable(() -> broker.register(ActorId.newId(), Mailbox.unbounded())));
    }

    @Test
    void registerRejectsNullsNamingTheParameterAndAMailboxNeedsACapacity() {
        ActorId id = spawn(new Probe());
        assertThatThrownBy(() -> broker.register(null, Mailbox.unbounded())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("actorId");
        assertThatThrownBy(() -> broker.register(ActorId.newId(), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mailbox");
        assertThatThrownBy(() -> Mailbox.bounded(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        // nothing was corrupted
        assertThat(result(broker.send(id, new Echo("still fine")))).isEqualTo("still fine");
    }

    @Test
    void attachingAMailboxOfAnotherBrokerIsRejected() {
        BrokerNode other = newBroker();
        try {
            Mailbox<Message<?>> mailbox = Mailbox.unbounded();
            other.register(ActorId.newId(), mailbox);
            assertThatThrownBy(() -> system.attach(worker(new Probe()), mailbox))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            other.close();
        }
    }

    @Test
    void aRegisteredMailboxCountsWhatWaitsInIt() {
        Mailbox<Message<?>> mailbox = Mailbox.bounded(10);
        ActorId id = ActorId.newId();
        broker.register(id, mailbox);
        assertThat(mailbox.size()).isZero();
        List<CompletableFuture<Integer>> early = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            early.add(broker.send(id, new Increment(i)));
        }
        assertThat(mailbox.size()).isEqualTo(3);
        assertThat(mailbox.capacity()).isEqualTo(10);
        system.attach(worker(new Probe()), mailbox);
        for (int i = 0; i < 3; i++) {
            assertThat(result(early.get(i))).isEqualTo(i + 1);
        }
        assertThat(mailbox.size()).isZero();
    }

    // ------------------------------------------------------------------ trySend errors, metrics, dead letters, cancellation, close internals

    @Test
    void registrationErrorsAreBrokerExceptionsWithTheirCode() {
        ActorId id = spawn(new Probe());
        ActorId ghost = ActorId.newId();
        assertThat(catchThrowable(() -> broker.register(id, Mailbox.unbounded())))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.error()).isEqualTo(BrokerError.ALREADY_REGISTERED);
                    assertThat(e.actorId()).isEqualTo(id);
                });
        assertThat(catchThrowable(() -> broker.unregister(ghost)))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.error()).isEqualTo(BrokerError.NOT_FOUND));
        assertThat(catchThrowable(() -> broker.subscribe(ghost, "a.b")))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.error()).isEqualTo(BrokerError.NOT_FOUND));
    }

    @Test
    void trySendThrowsItsErrorsAndAHandlerFailureReachesNoCaller() {
        ActorId ghost = ActorId.newId();
        assertThat(catchThrowable(() -> broker.trySend(ghost, new Tick(0, 1))))
                .isInstanceOfSatisfying(SendException.class, e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_NOT_FOUND));
        ActorId id = system.spawn(Behaviors.receive().onTell(Tick.class, t -> {
            throw new IllegalStateException("tick failed");
        }).build()).id();
        broker.trySend(id, new Tick(0, 1)); // returns normally: nobody awaits a fire-and-forget
        await().atMost(PATIENCE).until(() -> broker.metrics().totalFailed() == 2);
        assertThat(broker.deadLetters().totalCount()).isEqualTo(1); // the ghost's; a failed handler is not dead-lettered
    }

    @Test
    void trySendToAnUnknownActorThrowsActorNotFound() {
        assertThatThrownBy(() -> broker.trySend(ActorId.of(424_242L), new Tick(0, 1)))
                .isInstanceOfSatisfying(SendException.class,
                        e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_NOT_FOUND));
    }

    @Test
    void trySendToAFullBoundedMailboxFailsImmediatelyWithMailboxFull() {
        Probe probe = new Probe();
        ActorId id = system.spawn(ActorId.newId(), worker(probe), Mailbox.bounded(2)).id();
        Held held = holdInsideHandler(id, probe);
        broker.trySend(id, new Tick(0, 1));
        broker.trySend(id, new Tick(0, 2));
        assertThatThrownBy(() -> broker.trySend(id, new Tick(0, 3)))
                .isInstanceOfSatisfying(SendException.class, e -> {
                    assertThat(e.error()).isEqualTo(SendError.MAILBOX_FULL);
                    assertThat(e.getMessage()).contains(id.toString()).contains("Tick");
                });
        assertThat(sendErrorOf(broker.send(id, new Echo("x")))).isEqualTo(SendError.MAILBOX_FULL);
        held.release();
        assertThat(result(held.reply())).isEqualTo("released");
        await().atMost(PATIENCE).until(() -> probe.ticks.get() == 2);
        broker.trySend(id, new Tick(0, 3)); // room again
        await().atMost(PATIENCE).until(() -> probe.ticks.get() == 3);
    }

    @Test
    void registeringATakenIdFailsWithAlreadyRegistered() {
        ActorId id = spawn(new Probe());
        Mailbox<Message<?>> second = Mailbox.unbounded();
        assertThatThrownBy(() -> broker.register(id, second))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.error()).isEqualTo(BrokerError.ALREADY_REGISTERED);
                    assertThat(e.actorId()).isEqualTo(id);
                    assertThat(e.getMessage()).contains(id.toString());
                });
        // the rejected mailbox is still usable under another id
        ActorId other = ActorId.newId();
        broker.register(other, second);
        assertThat(broker.isRegistered(other)).isTrue();
    }

    @Test
    void concurrentRegistrationsOfOneIdHaveExactlyOneWinner() throws Exception {
        int threads = 8;
        for (int round = 0; round < 50; round++) {
            ActorId id = ActorId.newId();
            CyclicBarrier start = new CyclicBarrier(threads);
            AtomicInteger wins = new AtomicInteger();
            AtomicInteger duplicates = new AtomicInteger();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        Mailbox<Object> mb = Mailbox.unbounded();
                        start.await();
                        try {
                            broker.register(id, mb);
                            wins.incrementAndGet();
                        } catch (BrokerException e) {
                            if (e.error() == BrokerError.ALREADY_REGISTERED) {
                                duplicates.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            assertThat(wins.get()).as("round %d winners", round).isEqualTo(1);
            assertThat(duplicates.get()).isEqualTo(threads - 1);
        }
    }

    @Test
    void aMailboxCanBeRegisteredOnlyOnce() {
        Mailbox<Object> mb = Mailbox.unbounded();
        ActorId id = ActorId.newId();
        broker.register(id, mb);
        assertThatThrownBy(() -> broker.register(ActorId.newId(), mb))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(id.toString());
        broker.unregister(id);
        assertThatThrownBy(() -> broker.register(id, mb)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSpecsFlowRegisterThenAttachProcessesMessagesSentBeforeTheActorArrived() {
        Mailbox<Message<?>> mailbox = Mailbox.bounded(1000);
        ActorId id = ActorId.newId();
        broker.register(id, mailbox);
        assertThat(mailbox.actorId()).isEqualTo(id);
        CompletableFuture<Integer> early = broker.send(id, new Increment(9));
        assertThat(early).isNotDone();
        system.attach(worker(new Probe()), mailbox);
        assertThat(result(early)).isEqualTo(10);
    }

    @Test
    void aCancelledMessageThatHasNotStartedIsSkipped() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held held = holdInsideHandler(id, probe);
        CompletableFuture<Integer> cancelled = broker.send(id, new Increment(1));
        assertThat(cancelled.cancel(true)).isTrue();
        held.release();
        result(held.reply());
        assertThat(result(broker.send(id, new Increment(5)))).isEqualTo(6);
        assertThat(probe.processed.get()).isEqualTo(2);
    }

    @Test
    void metricsAreExactAndCountAnOutcomeBeforeTheSenderSeesIt() {
        ActorId id = spawn(new Probe());
        ActorId silent = system.spawn(Behaviors.receive().on(Increment.class, m -> 0).build()).id();
        for (int i = 0; i < 10; i++) {
            result(broker.send(id, new Increment(i)));
        }
        failureOf(broker.send(id, new Explode("x")));              // failed: handler threw
        failureOf(broker.send(ActorId.of(777_777L), new Echo(""))); // failed: not found
        List<Reply<String>> replies = result(broker.broadcast(new Echo("b"))); // 1 delivered, 1 failed (no handler)
        // a sender that has seen its outcome also sees it counted: no waiting needed
        BrokerMetrics m = broker.metrics();
        assertThat(m.inFlight()).isZero();
        assertThat(m.registeredActors()).isEqualTo(2);
        assertThat(m.totalSent()).isEqualTo(14);
        assertThat(m.totalDelivered()).isEqualTo(11);
        assertThat(m.totalFailed()).isEqualTo(3);
        assertThat(m.totalSent()).isEqualTo(m.totalDelivered() + m.totalFailed());
        // the broadcast's failure is silent's, which has no handler for Echo: not delivered
        assertThat(replies.get(0)).isEqualTo(new Reply.Ok<>(id, "b"));
        assertThat(replies.get(1)).isInstanceOfSatisfying(Reply.Failed.class, f -> {
            assertThat(f.actorId()).isEqualTo(silent);
            assertThat(f.error()).isInstanceOfSatisfying(BrokerException.class,
                    e -> assertThat(e.error()).isEqualTo(BrokerError.ROUTING_FAILED));
        });
        // the two undelivered messages are dead-lettered; the handler's exception is not
        assertThat(broker.deadLetters().countsByReason()).containsEntry(DeadLetterReason.ACTOR_NOT_FOUND, 1L)
                .containsEntry(DeadLetterReason.UNHANDLED, 1L);
        assertThat(broker.deadLetters().totalCount()).isEqualTo(2);
    }

    /**
     * Registers a worker's mailbox, queues {@code Hold} and then {@code n} requests before the
     * actor is attached, and attaches it: the actor takes them all at once and blocks in the
     * first, so the others wait in its mailbox behind a busy handler.
     */
    private List<CompletableFuture<Integer>> queueBehindAStuckHandler(ActorId id, Probe probe, String gate,
                                                                     List<CompletableFuture<String>> holdReply, int n) {
        Mailbox<Message<?>> mailbox = Mailbox.unbounded();
        broker.register(id, mailbox);
        holdReply.add(broker.send(id, new Hold(gate)));
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queued.add(broker.send(id, new Increment(i)));
        }
        system.attach(worker(probe), mailbox);
        await().atMost(PATIENCE).until(() -> probe.processed.get() == 1);
        return queued;
    }

    @Test
    void closeFailsQueuedRequestsBeforeItReturnsWhileTheHandlerIsStuck() {
        Probe probe = new Probe();
        String gate = gates.newGate();
        List<CompletableFuture<String>> hold = new ArrayList<>();
        List<CompletableFuture<Integer>> queued = queueBehindAStuckHandler(ActorId.newId(), probe, gate, hold, 5);
        try {
            broker.close();
            // no waiting: every future is complete when close returns, though the handler still runs
            assertThat(queued).allSatisfy(f -> assertThat(f).isDone());
            assertThat(hold.get(0)).isDone();
            assertThat(queued).allSatisfy(f -> assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
        } finally {
            gates.open(gate);
        }
    }

    @Test
    void unregisterFailsQueuedRequestsAtOnceAndTheCurrentOneFinishes() {
        Probe probe = new Probe();
        String gate = gates.newGate();
        ActorId id = ActorId.newId();
        List<CompletableFuture<String>> hold = new ArrayList<>();
        List<CompletableFuture<Integer>> queued = queueBehindAStuckHandler(id, probe, gate, hold, 5);
        try {
            broker.unregister(id);
            assertThat(queued).allSatisfy(f -> assertThat(f).isDone());
            assertThat(queued).allSatisfy(f -> assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
            assertThat(hold.get(0)).isNotDone();
        } finally {
            gates.open(gate);
        }
        assertThat(result(hold.get(0))).isEqualTo("released");
        await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
        assertThat(probe.processed.get()).isEqualTo(1);
    }

    @Test
    void closeLeavesNoFuturePendingWhileActorsWorkThroughTheirQueues() {
        List<CompletableFuture<Integer>> replies = new ArrayList<>();
        List<Mailbox<Message<?>>> mailboxes = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            Mailbox<Message<?>> mailbox = Mailbox.unbounded();
            ActorId id = ActorId.newId();
            broker.register(id, mailbox);
            mailboxes.add(mailbox);
            for (int i = 0; i < 5_000; i++) {
                replies.add(broker.send(id, new Increment(i)));
            }
        }
        for (Mailbox<Message<?>> mailbox : mailboxes) {
            Probe probe = new Probe();
            probes.add(probe);
            system.attach(worker(probe), mailbox); // each takes its 5,000 at once and works through them
        }
        await().atMost(PATIENCE).until(() -> probes.stream().allMatch(p -> p.processed.get() > 0));
        broker.close();
        long pending = replies.stream().filter(f -> !f.isDone()).count();
        assertThat(pending).as("futures still pending when close() returned").isZero();
        for (CompletableFuture<Integer> f : replies) {
            if (f.isCompletedExceptionally()) {
                assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED);
            }
        }
    }

    @Test
    void trySendTakesAPriorityAndAnExplicitStartDeadline() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held held = holdInsideHandler(id, probe);
        broker.trySend(id, new TaggedTick("late"), SendOptions.timeout(Duration.ofMillis(20)));
        // a request with the same timeout, sent after the tick: once its timer has failed it, the
        // tick's start deadline (which came first) has passed too, while the actor is still busy
        CompletableFuture<String> marker = broker.send(id, new Note("marker"), SendOptions.timeout(Duration.ofMillis(20)));
        CompletableFuture<String> normal = broker.send(id, new Note("normal"));
        broker.trySend(id, new TaggedTick("high"), SendOptions.priority(Priority.HIGH));
        assertThat(sendErrorOf(marker)).isEqualTo(SendError.TIMEOUT);
        held.release();
        assertThat(result(normal)).isEqualTo("normal");
        await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
        assertThat(probe.notes).containsExactly("tick:high", "normal"); // HIGH first; the late ones skipped
        assertThat(broker.deadLetters().countsByReason().get(DeadLetterReason.TIMED_OUT)).isEqualTo(2); // tick + marker
    }

    @Test
    void publishingToATopicNobodySubscribesToIsDeadLettered() {
        assertThat(result(broker.publish("nobody.listens", new Echo("hello?")))).isEmpty();
        assertThat(broker.deadLetters().snapshot()).anySatisfy(d -> {
            assertThat(d.reason()).isEqualTo(DeadLetterReason.NO_SUBSCRIBER);
            assertThat(d.target()).isEqualTo(new DeadLetter.ToTopic("nobody.listens", true));
        });
    }

    @Test
    void sendWithRoutingWithoutSubscriberFailsNamingTheTopic() {
        Throwable t = failureOf(broker.sendWithRouting(RoutingKey.of("no.such.queue"), new Echo("x")));
        assertThat(t).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.error()).isEqualTo(BrokerError.ROUTING_FAILED));
        assertThat(t.getMessage()).contains("no.such.queue");
        assertThat(broker.deadLetters().countsByReason().get(DeadLetterReason.NO_SUBSCRIBER)).isEqualTo(1);
    }

    @Test
    void everyUndeliveredMessageIsDeadLetteredWithTargetReasonAndTimestamps() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        ActorId ghost = ActorId.of(55_555);
        Echo lost = new Echo("lost");
        failureOf(broker.send(ghost, lost));
        Held held = holdInsideHandler(id, probe);
        CompletableFuture<Integer> queued = broker.send(id, new Increment(1));
        broker.unregister(id);
        failureOf(queued);
        held.release();
        List<DeadLetter> letters = broker.deadLetters().snapshot();
        assertThat(letters).anySatisfy(d -> {
            assertThat(d.message()).isSameAs(lost);
            assertThat(d.target()).isEqualTo(new DeadLetter.ToActor(ghost));
            assertThat(d.reason()).isEqualTo(DeadLetterReason.ACTOR_NOT_FOUND);
            assertThat(d.priority()).isEqualTo(Priority.NORMAL);
            assertThat(d.sentAt()).isBeforeOrEqualTo(d.deadLetteredAt());
            assertThat(d.detail()).contains(ghost.toString());
        });
        assertThat(letters).anySatisfy(d -> {
            assertThat(d.target()).isEqualTo(new DeadLetter.ToActor(id));
            assertThat(d.reason()).isEqualTo(DeadLetterReason.ACTOR_STOPPED);
        });
        BrokerMetrics m = broker.metrics();
        assertThat(broker.deadLetters().totalCount()).isLessThanOrEqualTo(m.totalFailed());
    }

    @Test
    void manyProducersManyActorsWithChurnLoseNothingAndKeepPerSenderOrder() throws Exception {
        int producers = 4;
        int actors = 8;
        int perPair = 500;
        List<ActorId> ids = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        for (int a = 0; a < actors; a++) {
            Probe p = new Probe();
            probes.add(p);
            ids.add(spawn(p));
        }
        AtomicInteger churned = new AtomicInteger();
        CountDownLatch producing = new CountDownLatch(producers);
        List<CompletableFuture<Integer>> requests = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(producers + 1)) {
            Future<?> churn = pool.submit(() -> {
                // register/unregister bystanders while traffic flows; sends to them must fail cleanly
                while (producing.getCount() > 0) {
                    ActorId bystander = spawn(new Probe());
                    requests.add(broker.send(bystander, new Increment(0)));
                    broker.unregister(bystander);
                    churned.incrementAndGet();
                }
                return null;
            });
            List<Future<?>> sending = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int sender = p;
                sending.add(pool.submit(() -> {
                    for (int seq = 1; seq <= perPair; seq++) {
                        for (ActorId id : ids) {
                            broker.trySend(id, new Tick(sender, seq));
                        }
                        if (seq % 50 == 0) {
                            requests.add(broker.send(ids.get(seq % actors), new Increment(seq)));
                        }
                    }
                    producing.countDown();
                    return null;
                }));
            }
            for (Future<?> f : sending) {
                f.get(PATIENCE.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
            churn.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }
        for (Probe p : probes) {
            await().atMost(PATIENCE).until(() -> p.ticks.get() == producers * perPair);
            assertThat(p.violation.get()).isNull();
        }
        List<CompletableFuture<Integer>> all;
        synchronized (requests) {
            all = new ArrayList<>(requests);
        }
        CompletableFuture<Void> allDone = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(t -> null);
        allDone.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        for (CompletableFuture<Integer> f : all) {
            assertThat(f).isDone();
            if (f.isCompletedExceptionally()) {
                assertThat(sendErrorOf(f)).isIn(SendError.ACTOR_STOPPED, SendError.ACTOR_NOT_FOUND);
            }
        }
        assertThat(churned.get()).isPositive();
        await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
        BrokerMetrics m = broker.metrics();
        assertThat(m.totalSent()).isEqualTo(m.totalDelivered() + m.totalFailed());
        assertThat(m.totalDelivered()).isGreaterThanOrEqualTo((long) producers * perPair * actors);
    }
}
