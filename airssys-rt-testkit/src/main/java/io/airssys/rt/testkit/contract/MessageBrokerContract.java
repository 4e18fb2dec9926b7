package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InvalidTopicException;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link MessageBroker} must show, whatever carries its messages. An
 * implementation's test extends this class and supplies a fresh broker per test:
 *
 * <pre>{@code
 * class InMemoryMessageBrokerContractTest extends MessageBrokerContract {
 *     protected BrokerNode newBroker() { return new InMemoryMessageBroker(); }
 * }
 * }</pre>
 *
 * Actors are run by an {@link ActorSystem} over the broker under test. No test asserts a
 * duration; timeouts used here are only upper bounds for waiting.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class MessageBrokerContract {

    /** How long a test waits for something that should happen promptly. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    /** The system over the broker under test; closed after each test. */
    protected ActorSystem system;
    /** The broker under test. */
    protected BrokerNode broker;

    /**
     * Returns a new, empty broker for one test.
     *
     * @return the broker under test
     */
    protected abstract BrokerNode newBroker();

    // ------------------------------------------------------------------ test protocol

    /** Replies with {@code n + 1}. */
    public record Increment(int n) implements Message<Integer> {
    }

    /** Replies with the text. */
    public record Echo(String text) implements Message<String> {
    }

    /** Fire-and-forget: counted by the receiving actor. */
    public record Tick(int sender, int seq) implements Message<Void> {
    }

    /** Blocks the actor until the latch opens, then replies "released". */
    public record Hold(CountDownLatch release) implements Message<String> {
    }

    /** The handler throws {@link IllegalStateException} with this text. */
    public record Explode(String why) implements Message<String> {
    }

    /** The handler returns a stage that fails with {@link IllegalStateException} with this text. */
    public record ExplodeLater(String why) implements Message<String> {
    }

    /** No actor of this suite handles it. */
    public record Nobody() implements Message<String> {
    }

    /** Appends its tag to the actor's log, replies with the tag. */
    public record Note(String tag) implements Message<String> {
    }

    /** Replies with the value of the sender's header {@code name}, or {@code "<none>"}. */
    public record Header(String name) implements Message<String> {
    }

    /** Fire-and-forget: the actor appends {@code "tick:" + tag} to its notes. */
    public record TaggedTick(String tag) implements Message<Void> {
    }

    /** Counts what an actor of this suite saw. */
    protected static final class Probe {
        /** Messages processed. */
        public final AtomicInteger processed = new AtomicInteger();
        /** Ticks processed. */
        public final AtomicInteger ticks = new AtomicInteger();
        /** Set when two handler calls overlapped. */
        public final AtomicReference<String> violation = new AtomicReference<>();
        /** Tags of {@link Note}s in processing order. */
        public final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicInteger inside = new AtomicInteger();
        private final int[] lastSeq = new int[64];

        void enter() {
            if (inside.incrementAndGet() != 1) {
                violation.compareAndSet(null, "two handler calls overlapped");
            }
            processed.incrementAndGet();
        }

        void exit() {
            inside.decrementAndGet();
        }

        void tick(Tick t) {
            // single-threaded by contract: plain array is safe if isolation holds (checked by enter)
            if (t.seq() != lastSeq[t.sender()] + 1) {
                violation.compareAndSet(null, "sender " + t.sender() + " seq " + t.seq()
                        + " after " + lastSeq[t.sender()]);
            }
            lastSeq[t.sender()] = t.seq();
            ticks.incrementAndGet();
        }
    }

    /**
     * Returns a behavior that handles this suite's protocol and records into {@code probe}.
     *
     * @param probe where to record
     * @return the behavior
     */
    protected static Behavior<Message<?>> worker(Probe probe) {
        return Behaviors.receive()
                .on(Increment.class, m -> {
                    probe.enter();
                    try {
                        return m.n() + 1;
                    } finally {
                        probe.exit();
                    }
                })
                .on(Echo.class, m -> {
                    probe.enter();
                    probe.exit();
                    return m.text();
                })
                .onTell(Tick.class, t -> {
                    probe.enter();
                    try {
                        probe.tick(t);
                    } finally {
                        probe.exit();
                    }
                })
                .on(Hold.class, h -> {
                    probe.enter();
                    try {
                        if (!h.release().await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                            throw new IllegalStateException("test never released the actor");
                        }
                        return "released";
                    } finally {
                        probe.exit();
                    }
                })
                .on(Note.class, n -> {
                    probe.enter();
                    probe.notes.add(n.tag());
                    probe.exit();
                    return n.tag();
                })
                .on(Header.class, (ctx, h) -> {
                    probe.enter();
                    probe.exit();
                    return ctx.headers().getOrDefault(h.name(), "<none>");
                })
                .onTell(TaggedTick.class, t -> {
                    probe.enter();
                    probe.notes.add("tick:" + t.tag());
                    probe.exit();
                })
                .on(Explode.class, m -> {
                    probe.enter();
                    probe.exit();
                    throw new IllegalStateException(m.why());
                })
                .onAsync(ExplodeLater.class, (ctx, m) ->
                        CompletableFuture.<String>failedFuture(new IllegalStateException(m.why())))
                .build();
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
        return system.spawn(id, worker(probe), Mailbox.unbounded());
    }

    /**
     * Spawns a worker under a new id.
     *
     * @param probe where it records
     * @return the id
     */
    protected ActorId spawn(Probe probe) {
        return system.spawn(ActorId.newId(), worker(probe), Mailbox.unbounded());
    }

    /**
     * Returns what a failed future failed with.
     *
     * @param future a future that failed or will fail soon
     * @return the cause
     */
    protected static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("future did not fail in time: " + future, e);
        }
        throw new AssertionError("future succeeded: " + future.join());
    }

    /**
     * Asserts that {@code failure} is a handler failure of {@code actorId} on {@code messageType},
     * wrapping the {@link IllegalStateException} the suite's handlers throw with {@code why}.
     *
     * @param failure     what the caller saw
     * @param actorId     the actor whose handler failed
     * @param messageType the simple name of the message's class
     * @param why         the handler exception's message
     */
    protected static void assertActorFailed(Throwable failure, ActorId actorId, String messageType, String why) {
        assertThat(failure).isInstanceOfSatisfying(ActorFailedException.class, e -> {
            assertThat(e.actorId()).isEqualTo(actorId);
            assertThat(e.messageType()).isEqualTo(messageType);
            assertThat(e.causeClassName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(e.causeMessage()).isEqualTo(why);
            assertThat(e.code()).isEqualTo(ActorFailedException.CODE);
        });
        assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class).hasMessage(why);
    }

    /**
     * Returns the {@link SendError} a future failed with.
     *
     * @param future a future that fails with a {@link SendException}
     * @return its error
     */
    protected static SendError sendErrorOf(CompletableFuture<?> future) {
        Throwable t = failureOf(future);
        assertThat(t).isInstanceOf(SendException.class);
        return ((SendException) t).error();
    }

    /**
     * A request parked inside an actor's handler until {@link #release()}.
     *
     * @param latch opens the handler
     * @param reply the request's future
     */
    protected record Held(CountDownLatch latch, CompletableFuture<String> reply) {
        /** Lets the handler finish. */
        public void release() {
            latch.countDown();
        }
    }

    /**
     * Sends {@link Hold} and waits until the actor is inside its handler, so that later
     * messages queue behind it.
     *
     * @param id    a worker
     * @param probe the worker's probe
     * @return the parked request
     */
    protected Held holdInsideHandler(ActorId id, Probe probe) {
        int before = probe.processed.get();
        CountDownLatch latch = new CountDownLatch(1);
        CompletableFuture<String> reply = broker.send(id, new Hold(latch));
        await().atMost(PATIENCE).until(() -> probe.processed.get() == before + 1);
        return new Held(latch, reply);
    }

    /**
     * Waits for a future's value.
     *
     * @param f   the future
     * @param <T> its type
     * @return its value
     */
    protected static <T> T result(CompletableFuture<T> f) {
        try {
            return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ point-to-point, request-response

    @Test
    void sendReturnsTheHandlersResult() {
        ActorId id = spawn(new Probe());
        assertThat(result(broker.send(id, new Increment(41)))).isEqualTo(42);
        assertThat(result(broker.send(id, new Echo("hello"), Duration.ofSeconds(10)))).isEqualTo("hello");
    }

    @Test
    void eachSendReturnsAFreshFuture() {
        ActorId id = spawn(new Probe());
        CompletableFuture<Integer> a = broker.send(id, new Increment(1));
        CompletableFuture<Integer> b = broker.send(id, new Increment(1));
        assertThat(a).isNotSameAs(b);
        assertThat(result(a)).isEqualTo(2);
        assertThat(result(b)).isEqualTo(2);
    }

    @Test
    void sendToAnUnknownActorFailsWithActorNotFound() {
        ActorId ghost = ActorId.of(987_654_321L);
        CompletableFuture<Integer> f = broker.send(ghost, new Increment(1));
        assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_NOT_FOUND);
        SendException e = (SendException) failureOf(f);
        assertThat(e.actorId()).isEqualTo(ghost);
        assertThat(e.getMessage()).contains(ghost.toString()).contains("Increment");
    }

    @Test
    void handlerExceptionFailsThatMessageAndTheActorKeepsRunning() {
        ActorId id = spawn(new Probe());
        Throwable t = failureOf(broker.send(id, new Explode("boom")));
        assertActorFailed(t, id, "Explode", "boom");
        assertThat(result(broker.send(id, new Increment(1)))).isEqualTo(2);
    }

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
        }).build());
        broker.trySend(id, new Tick(0, 1)); // returns normally: nobody awaits a fire-and-forget
        await().atMost(PATIENCE).until(() -> broker.metrics().totalFailed() == 2);
        assertThat(broker.deadLetters().totalCount()).isEqualTo(1); // the ghost's; a failed handler is not dead-lettered
    }

    @Test
    void anAsyncReplyThatFailsReachesTheCallerWrapped() {
        ActorId id = spawn(new Probe());
        assertActorFailed(failureOf(broker.send(id, new ExplodeLater("later"))), id, "ExplodeLater", "later");
        assertThat(result(broker.send(id, new Increment(1)))).isEqualTo(2);
    }

    @Test
    void handlerFailuresOfPublishAndRoutedSendsReachTheCallerWrapped() {
        ActorId id = spawn(new Probe());
        broker.subscribe(id, "fail.*");
        List<Reply<String>> published = result(broker.publish("fail.now", new Explode("pub")));
        assertThat(published).singleElement().isInstanceOfSatisfying(Reply.Failed.class,
                f -> assertActorFailed(f.error(), id, "Explode", "pub"));
        assertActorFailed(failureOf(broker.sendWithRouting(RoutingKey.of("fail.now"), new Explode("routed"))),
                id, "Explode", "routed");
    }

    @Test
    void aMessageTheActorDoesNotHandleFailsWithRoutingFailed() {
        ActorId id = spawn(new Probe());
        Throwable t = failureOf(broker.send(id, new Nobody()));
        assertThat(t).isInstanceOf(BrokerException.class);
        assertThat(((BrokerException) t).error()).isEqualTo(BrokerError.ROUTING_FAILED);
        assertThat(t.getMessage()).contains("Nobody").contains(id.toString());
        assertThat(result(broker.send(id, new Increment(1)))).isEqualTo(2);
    }

    // ------------------------------------------------------------------ fire-and-forget

    @Test
    void trySendDeliversInOrder() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        for (int i = 1; i <= 1_000; i++) {
            broker.trySend(id, new Tick(0, i));
        }
        await().atMost(PATIENCE).until(() -> probe.ticks.get() == 1_000);
        assertThat(probe.violation.get()).isNull();
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
        ActorId id = system.spawn(ActorId.newId(), worker(probe), Mailbox.bounded(2));
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
    void anUnboundedMailboxNeverRejects() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> held = broker.send(id, new Hold(release));
        for (int i = 1; i <= 20_000; i++) {
            broker.trySend(id, new Tick(1, i));
        }
        release.countDown();
        result(held);
        await().atMost(PATIENCE).until(() -> probe.ticks.get() == 20_000);
        assertThat(probe.violation.get()).isNull();
    }

    // ------------------------------------------------------------------ registration

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
    void unregisterFailsQueuedMessagesWithActorStoppedAndLetsTheCurrentOneFinish() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held inFlight = holdInsideHandler(id, probe);
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(broker.send(id, new Increment(i)));
        }
        broker.unregister(id);
        for (CompletableFuture<Integer> f : queued) {
            assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED);
        }
        assertThat(sendErrorOf(broker.send(id, new Increment(1)))).isEqualTo(SendError.ACTOR_NOT_FOUND);
        inFlight.release();
        assertThat(result(inFlight.reply())).isEqualTo("released");
        assertThat(probe.processed.get()).isEqualTo(1); // none of the queued ran
    }

    @Test
    void unregisteringTwiceFailsWithNotFoundAndChangesNothingElse() {
        ActorId gone = spawn(new Probe());
        ActorId stays = spawn(new Probe());
        broker.unregister(gone);
        assertThatThrownBy(() -> broker.unregister(gone))
                .isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.NOT_FOUND));
        assertThat(broker.isRegistered(stays)).isTrue();
        assertThat(broker.registeredCount()).isEqualTo(1);
        assertThat(result(broker.send(stays, new Increment(1)))).isEqualTo(2);
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

    // ------------------------------------------------------------------ queries

    @Test
    void queriesReflectRegistrationsInOrder() {
        assertThat(broker.registeredCount()).isZero();
        assertThat(broker.actorIds()).isEmpty();
        List<ActorId> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(spawn(ActorId.of(1_000 + i), new Probe()));
        }
        broker.unregister(ids.remove(3));
        assertThat(broker.registeredCount()).isEqualTo(9);
        assertThat(broker.actorIds()).containsExactlyElementsOf(ids);
        assertThat(broker.isRegistered(ids.get(0))).isTrue();
        assertThat(broker.isRegistered(ActorId.of(1_003))).isFalse();
        List<ActorId> snapshot = broker.actorIds();
        spawn(new Probe());
        assertThat(snapshot).hasSize(9);
        assertThatThrownBy(() -> snapshot.add(ActorId.of(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ broadcast

    @Test
    void broadcastRepliesOncePerActorInRegistrationOrder() {
        List<ActorId> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(spawn(ActorId.of(500 - i), new Probe()));
        }
        List<Reply<String>> replies = result(broker.broadcast(new Echo("hi")));
        assertThat(replies).extracting(Reply::actorId).containsExactlyElementsOf(ids);
        assertThat(replies).allSatisfy(r -> assertThat(r.valueOrThrow()).isEqualTo("hi"));
    }

    @Test
    void oneFailingActorDoesNotAffectTheOthersInABroadcast() {
        ActorId first = spawn(new Probe());
        ActorId silent = system.spawn(Behaviors.receive().on(Increment.class, m -> 0).build());
        ActorId last = spawn(new Probe());
        List<Reply<String>> replies = result(broker.broadcast(new Echo("x")));
        assertThat(replies).hasSize(3);
        assertThat(replies.get(0)).isEqualTo(new Reply.Ok<>(first, "x"));
        assertThat(replies.get(1)).isInstanceOfSatisfying(Reply.Failed.class, f -> {
            assertThat(f.actorId()).isEqualTo(silent);
            assertThat(f.error()).isInstanceOf(BrokerException.class);
        });
        assertThat(replies.get(2)).isEqualTo(new Reply.Ok<>(last, "x"));
        List<Reply<String>> boom = result(broker.broadcast(new Explode("bang")));
        assertThat(boom).hasSize(3).allSatisfy(r -> assertThat(r.isOk()).isFalse());
        assertThat(boom.get(0)).isInstanceOfSatisfying(Reply.Failed.class,
                f -> assertActorFailed(f.error(), first, "Explode", "bang"));
        assertThat(boom.get(1)).isInstanceOfSatisfying(Reply.Failed.class,
                f -> assertThat(f.error()).isInstanceOf(BrokerException.class)); // no handler: not a handler failure
    }

    @Test
    void broadcastFilterReachesOnlyTheSelectedIds() {
        for (long i = 95; i < 205; i++) {
            spawn(ActorId.of(i), new Probe());
        }
        List<Reply<Integer>> replies = result(broker.broadcastFilter(new Increment(0),
                id -> id.asLong() >= 100 && id.asLong() < 200));
        assertThat(replies).hasSize(100);
        assertThat(replies).extracting(r -> r.actorId().asLong()).containsExactlyElementsOf(
                java.util.stream.LongStream.range(100, 200).boxed().toList());
        assertThat(replies).allSatisfy(r -> assertThat(r.valueOrThrow()).isEqualTo(1));
    }

    @Test
    void broadcastWithNoActorsCompletesWithAnEmptyList() {
        assertThat(result(broker.broadcast(new Echo("anyone?")))).isEmpty();
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void aTimedOutMessageFailsWithTimeoutAndIsSkippedIfNotStarted() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held held = holdInsideHandler(id, probe);
        CompletableFuture<Integer> late = broker.send(id, new Increment(1), Duration.ofMillis(50));
        assertThat(sendErrorOf(late)).isEqualTo(SendError.TIMEOUT);
        held.release();
        result(held.reply());
        assertThat(result(broker.send(id, new Increment(5)))).isEqualTo(6);
        assertThat(probe.processed.get()).isEqualTo(2); // Hold and the last Increment: the late one was skipped
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

    // ------------------------------------------------------------------ metrics

    @Test
    void metricsAreExactAndCountAnOutcomeBeforeTheSenderSeesIt() {
        ActorId id = spawn(new Probe());
        ActorId silent = system.spawn(Behaviors.receive().on(Increment.class, m -> 0).build());
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

    // ------------------------------------------------------------------ close

    @Test
    void closeCompletesEveryPendingFutureAndRefusesLaterWork() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held inFlight = holdInsideHandler(id, probe);
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            queued.add(broker.send(id, new Increment(i)));
        }
        broker.close();
        assertThat(inFlight.reply()).isDone();
        assertThat(queued).allSatisfy(f -> assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
        assertThat(sendErrorOf(inFlight.reply())).isEqualTo(SendError.ACTOR_STOPPED);
        inFlight.release();
        assertThat(broker.registeredCount()).isZero();
        assertBrokerClosed(failureOf(broker.send(id, new Increment(1))));
        assertBrokerClosed(catchThrowable(() -> broker.register(ActorId.newId(), Mailbox.unbounded())));
        broker.close(); // idempotent
        assertThat(broker.isClosed()).isTrue();
    }

    /**
     * Asserts the one signal for a closed broker: {@link BrokerException} with
     * {@link BrokerError#BROKER_CLOSED}.
     *
     * @param failure what the caller saw (thrown, or the cause of a failed future)
     */
    protected static void assertBrokerClosed(Throwable failure) {
        assertThat(failure).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.error()).isEqualTo(BrokerError.BROKER_CLOSED);
            assertThat(e.isBrokerClosed()).isTrue();
            assertThat(e.getMessage()).contains("closed");
        });
    }

    @Test
    void everyMethodSignalsAClosedBrokerTheSameWay() {
        ActorId id = spawn(new Probe());
        broker.subscribe(id, "jobs.*");
        assertThat(broker.isClosed()).isFalse();
        broker.close();
        assertThat(broker.isClosed()).isTrue();
        // synchronous methods throw it
        assertBrokerClosed(catchThrowable(() -> broker.register(ActorId.newId(), Mailbox.unbounded())));
        assertBrokerClosed(catchThrowable(() -> broker.subscribe(id, "jobs.*")));
        assertBrokerClosed(catchThrowable(() -> broker.trySend(id, new Tick(0, 1))));
        assertBrokerClosed(catchThrowable(() -> broker.trySend(ActorId.newId(), new Tick(0, 1))));
        // asynchronous methods return a future failed with it
        assertBrokerClosed(failureOf(broker.send(id, new Increment(1))));
        assertBrokerClosed(failureOf(broker.send(ActorId.newId(), new Increment(1))));
        assertBrokerClosed(failureOf(broker.send(id, new Increment(1), Duration.ofSeconds(5))));
        assertBrokerClosed(failureOf(broker.sendWithPriority(id, new Increment(1), Priority.HIGH)));
        assertBrokerClosed(failureOf(broker.broadcast(new Echo("x"))));
        assertBrokerClosed(failureOf(broker.broadcastFilter(new Echo("x"), a -> true)));
        assertBrokerClosed(failureOf(broker.publish("jobs.resize", new Echo("x"))));
        assertBrokerClosed(failureOf(broker.sendWithRouting(RoutingKey.of("jobs.resize"), new Echo("x"))));
    }

    /**
     * Registers a worker's mailbox, queues {@code Hold} and then {@code n} requests before the
     * actor is attached, and attaches it: the actor takes them all at once and blocks in the
     * first, so the others wait in its mailbox behind a busy handler.
     */
    private List<CompletableFuture<Integer>> queueBehindAStuckHandler(ActorId id, Probe probe, CountDownLatch release,
                                                                     List<CompletableFuture<String>> holdReply, int n) {
        Mailbox<Message<?>> mailbox = Mailbox.unbounded();
        broker.register(id, mailbox);
        holdReply.add(broker.send(id, new Hold(release)));
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
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<String>> hold = new ArrayList<>();
        List<CompletableFuture<Integer>> queued = queueBehindAStuckHandler(ActorId.newId(), probe, release, hold, 5);
        try {
            broker.close();
            // no waiting: every future is complete when close returns, though the handler still runs
            assertThat(queued).allSatisfy(f -> assertThat(f).isDone());
            assertThat(hold.get(0)).isDone();
            assertThat(queued).allSatisfy(f -> assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
        } finally {
            release.countDown();
        }
    }

    @Test
    void unregisterFailsQueuedRequestsAtOnceAndTheCurrentOneFinishes() {
        Probe probe = new Probe();
        CountDownLatch release = new CountDownLatch(1);
        ActorId id = ActorId.newId();
        List<CompletableFuture<String>> hold = new ArrayList<>();
        List<CompletableFuture<Integer>> queued = queueBehindAStuckHandler(id, probe, release, hold, 5);
        try {
            broker.unregister(id);
            assertThat(queued).allSatisfy(f -> assertThat(f).isDone());
            assertThat(queued).allSatisfy(f -> assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
            assertThat(hold.get(0)).isNotDone();
        } finally {
            release.countDown();
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
    void stopFromALaterReplysContinuationStopsAnIdleActor() {
        CompletableFuture<String> later = new CompletableFuture<>();
        AtomicReference<io.airssys.rt.actor.ActorContext> context = new AtomicReference<>();
        ActorId id = system.spawn(ActorId.newId(), Behaviors.receive()
                .onAsync(Echo.class, (ctx, m) -> {
                    context.set(ctx);
                    return later.thenApply(v -> {
                        ctx.stop(); // on the completing thread, after the handler has returned
                        return v;
                    });
                })
                .build(), Mailbox.unbounded());
        CompletableFuture<String> reply = broker.send(id, new Echo("x"));
        await().atMost(PATIENCE).until(() -> context.get() != null);
        later.complete("done"); // the actor is idle now: nothing else would make it look at a flag
        assertThat(result(reply)).isEqualTo("done");
        await().atMost(PATIENCE).until(() -> !broker.isRegistered(id));
        assertThat(sendErrorOf(broker.send(id, new Echo("y")))).isEqualTo(SendError.ACTOR_NOT_FOUND);
    }

    // ------------------------------------------------------------------ send options

    @Test
    void priorityAndTimeoutCombineInOneSend() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held held = holdInsideHandler(id, probe);
        CompletableFuture<String> normal = broker.send(id, new Note("normal"));
        CompletableFuture<String> urgent = broker.send(id, new Note("urgent"),
                SendOptions.timeout(PATIENCE).withPriority(Priority.HIGH));
        CompletableFuture<String> tooLate = broker.send(id, new Note("too late"),
                SendOptions.timeout(Duration.ofMillis(50)).withPriority(Priority.CRITICAL));
        assertThat(sendErrorOf(tooLate)).isEqualTo(SendError.TIMEOUT);
        held.release();
        assertThat(result(urgent)).isEqualTo("urgent");
        assertThat(result(normal)).isEqualTo("normal");
        assertThat(probe.notes).containsExactly("urgent", "normal");
    }

    @Test
    void headersTravelWithEveryKindOfSend() {
        ActorId a = spawn(new Probe());
        ActorId b = spawn(new Probe());
        broker.subscribe(a, "audit.headers");
        SendOptions traced = SendOptions.DEFAULT.withHeader("traceparent", "00-4bf92f-00f067-01");
        assertThat(result(broker.send(a, new Header("traceparent"), traced))).isEqualTo("00-4bf92f-00f067-01");
        assertThat(result(broker.send(a, new Header("traceparent")))).isEqualTo("<none>");
        assertThat(result(broker.sendWithRouting(RoutingKey.of("audit.headers"), new Header("traceparent"), traced)))
                .isEqualTo("00-4bf92f-00f067-01");
        assertThat(result(broker.broadcast(new Header("traceparent"), traced)))
                .allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(Reply.Ok.class,
                        ok -> assertThat(ok.value()).isEqualTo("00-4bf92f-00f067-01")))
                .hasSize(2);
        assertThat(result(broker.publish("audit.headers", new Header("traceparent"), traced)))
                .singleElement().isInstanceOfSatisfying(Reply.Ok.class,
                        ok -> assertThat(ok.value()).isEqualTo("00-4bf92f-00f067-01"));
        assertThat(result(broker.broadcastFilter(new Header("tenant"), id -> id.equals(b),
                SendOptions.DEFAULT.withHeader("tenant", "eu")))).singleElement()
                .isInstanceOfSatisfying(Reply.Ok.class, ok -> assertThat(ok.value()).isEqualTo("eu"));
    }

    @Test
    void broadcastsPublishesAndRoutedSendsUseTheirOwnTimeout() {
        Probe slow = new Probe();
        ActorId stuck = spawn(slow);
        ActorId free = spawn(new Probe());
        broker.subscribe(stuck, "work.slow");
        Held held = holdInsideHandler(stuck, slow);
        SendOptions quick = SendOptions.timeout(Duration.ofMillis(50));
        List<Reply<String>> replies = result(broker.broadcast(new Echo("hi"), quick));
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0)).isInstanceOfSatisfying(Reply.Failed.class, f -> assertThat(f.error())
                .isInstanceOfSatisfying(SendException.class, e -> assertThat(e.error()).isEqualTo(SendError.TIMEOUT)));
        assertThat(replies.get(1)).isInstanceOf(Reply.Ok.class);
        assertThat(result(broker.publish("work.slow", new Echo("hi"), quick))).singleElement()
                .isInstanceOf(Reply.Failed.class);
        assertThat(sendErrorOf(broker.sendWithRouting(RoutingKey.of("work.slow"), new Echo("hi"), quick)))
                .isEqualTo(SendError.TIMEOUT);
        held.release();
        assertThat(result(broker.send(free, new Echo("still fine")))).isEqualTo("still fine");
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

    // ------------------------------------------------------------------ topics

    @Test
    void publishReachesEveryMatchingSubscriberOnceInSubscriptionOrder() {
        ActorId a = spawn(new Probe());
        ActorId b = spawn(new Probe());
        ActorId c = spawn(new Probe());
        broker.subscribe(a, "orders.*");
        broker.subscribe(b, "orders.>");
        broker.subscribe(c, "billing.>");
        broker.subscribe(a, "orders.eu");
        List<Reply<String>> replies = result(broker.publish("orders.eu", new Echo("new order")));
        assertThat(replies).extracting(Reply::actorId).containsExactly(a, b);
        assertThat(replies).allSatisfy(r -> assertThat(r.valueOrThrow()).isEqualTo("new order"));
        assertThat(broker.subscriptions(a)).containsExactly("orders.*", "orders.eu");
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
    void sendWithRoutingGivesEachMessageToExactlyOneSubscriber() {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Probe p = new Probe();
            probes.add(p);
            broker.subscribe(spawn(p), "jobs.*");
        }
        spawn(new Probe()); // not subscribed: must get nothing
        List<CompletableFuture<Integer>> replies = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            replies.add(broker.sendWithRouting(new RoutingKey("jobs.resize", Priority.NORMAL), new Increment(i)));
        }
        for (int i = 0; i < 300; i++) {
            assertThat(result(replies.get(i))).isEqualTo(i + 1);
        }
        assertThat(probes.stream().mapToInt(p -> p.processed.get()).sum()).isEqualTo(300);
        assertThat(probes).allSatisfy(p -> assertThat(p.processed.get()).isPositive()); // load is spread
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
    void unsubscribingOrUnregisteringEndsDeliveryByTopic() {
        ActorId a = spawn(new Probe());
        ActorId b = spawn(new Probe());
        broker.subscribe(a, "news.>");
        broker.subscribe(b, "news.>");
        assertThat(broker.unsubscribe(a, "news.>")).isTrue();
        assertThat(broker.unsubscribe(a, "news.>")).isFalse();
        assertThat(result(broker.publish("news.today", new Echo("x")))).extracting(Reply::actorId).containsExactly(b);
        broker.unregister(b);
        assertThat(broker.subscriptions(b)).isEmpty();
        assertThat(result(broker.publish("news.today", new Echo("x")))).isEmpty();
    }

    @Test
    void malformedTopicsAndUnknownSubscribersAreRejected() {
        ActorId a = spawn(new Probe());
        assertThatThrownBy(() -> broker.subscribe(a, "a..b")).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("a..b");
        assertThatThrownBy(() -> broker.subscribe(a, "a b")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> broker.publish("a.*", new Echo(""))).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("concrete");
        assertThatThrownBy(() -> RoutingKey.of("x.>")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> broker.subscribe(ActorId.of(31_337), "a.b"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.error()).isEqualTo(BrokerError.NOT_FOUND));
        assertThat(result(broker.send(a, new Echo("fine")))).isEqualTo("fine");
    }

    @Test
    void publishWhileSubscriptionsChurnAlwaysReachesStableSubscribersAndCompletes() throws Exception {
        ActorId stable = spawn(new Probe());
        broker.subscribe(stable, "feed.*");
        List<ActorId> churners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            churners.add(spawn(new Probe()));
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<CompletableFuture<List<Reply<String>>>> published = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<?> churn = pool.submit(() -> {
                int i = 0;
                while (!done.get()) {
                    ActorId c = churners.get(i++ % churners.size());
                    broker.subscribe(c, i % 2 == 0 ? "feed.>" : "feed.news");
                    broker.unsubscribe(c, i % 2 == 0 ? "feed.>" : "feed.news");
                }
                return null;
            });
            for (int i = 0; i < 2_000; i++) {
                published.add(broker.publish("feed.news", new Echo("n" + i)));
            }
            done.set(true);
            churn.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }
        for (CompletableFuture<List<Reply<String>>> f : published) {
            List<Reply<String>> replies = result(f);
            assertThat(replies).extracting(Reply::actorId).contains(stable).doesNotHaveDuplicates();
            assertThat(replies).allSatisfy(r -> assertThat(r.isOk()).isTrue());
        }
    }

    // ------------------------------------------------------------------ priorities

    @Test
    void higherPrioritiesGoFirstAndEachPriorityKeepsSendOrder() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        Held held = holdInsideHandler(id, probe);
        List<CompletableFuture<String>> replies = new ArrayList<>();
        String[][] sends = {{"LOW", "low-1"}, {"NORMAL", "normal-1"}, {"CRITICAL", "critical-1"},
                {"HIGH", "high-1"}, {"LOW", "low-2"}, {"CRITICAL", "critical-2"}, {"NORMAL", "normal-2"}};
        for (String[] s : sends) {
            replies.add(broker.sendWithPriority(id, new Note(s[1]), Priority.valueOf(s[0])));
        }
        held.release();
        replies.forEach(MessageBrokerContract::result);
        assertThat(probe.notes).containsExactly("critical-1", "critical-2", "high-1", "normal-1", "normal-2",
                "low-1", "low-2");
    }

    // ------------------------------------------------------------------ dead letters

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

    // ------------------------------------------------------------------ bad input

    @Test
    void nullArgumentsAreRejectedNamingTheParameter() {
        ActorId id = spawn(new Probe());
        assertThatThrownBy(() -> broker.send(null, new Echo(""))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("actorId");
        assertThatThrownBy(() -> broker.send(id, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
        assertThatThrownBy(() -> broker.send(id, new Echo(""), (Duration) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> broker.send(id, new Echo(""), (SendOptions) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("options");
        assertThatThrownBy(() -> broker.trySend(id, new Tick(0, 1), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> broker.broadcast(new Echo(""), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> broker.publish("a.b", new Echo(""), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> broker.trySend(id, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
        assertThatThrownBy(() -> broker.register(null, Mailbox.unbounded())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("actorId");
        assertThatThrownBy(() -> broker.register(ActorId.newId(), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mailbox");
        assertThatThrownBy(() -> broker.unregister(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("actorId");
        assertThatThrownBy(() -> broker.broadcast(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
        assertThatThrownBy(() -> broker.broadcastFilter(new Echo(""), null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("filter");
        assertThatThrownBy(() -> broker.isRegistered(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("actorId");
        assertThatThrownBy(() -> broker.send(id, new Echo(""), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> broker.send(id, new Echo(""), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> Mailbox.bounded(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        // nothing was corrupted
        assertThat(result(broker.send(id, new Echo("still fine")))).isEqualTo("still fine");
    }

    // ------------------------------------------------------------------ concurrency

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
        List<CompletableFuture<Integer>> requests = java.util.Collections.synchronizedList(new ArrayList<>());
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

    @Test
    void anActorNeverProcessesTwoMessagesAtOnce() throws Exception {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        int threads = 4;
        int each = 2_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    List<CompletableFuture<Integer>> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(broker.send(id, new Increment(i)));
                    }
                    for (int i = 0; i < each; i++) {
                        if (mine.get(i).join() != i + 1) {
                            throw new AssertionError("wrong reply for " + i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        assertThat(probe.processed.get()).isEqualTo(threads * each);
        assertThat(probe.violation.get()).isNull();
    }
}
