package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorContext;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.InvalidTopicException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The location-transparent behaviour every {@link MessageBroker} must show, whatever carries its
 * messages and wherever its actors live: request and response, per-sender order, handler
 * failures, timeouts, priorities and overflow as the receiving mailbox applies them, broadcasts,
 * topics, headers, unregister and close as a caller sees them, the queries. It uses only
 * {@link MessageBroker} methods and a {@link BrokerFixture}; what only one node can observe
 * (synchronous {@code trySend} errors, exact counters, dead letters, mailbox objects) is in
 * {@link LocalBrokerContract}.
 *
 * <p>An implementation's test extends this class and supplies a fresh fixture per test:
 *
 * <pre>{@code
 * class InMemoryMessageBrokerContractTest extends MessageBrokerContract {
 *     protected BrokerFixture newFixture() {
 *         return new InMemoryFixture(InMemoryMessageBroker::new);
 *     }
 * }
 *
 * class NatsMessageBrokerContractTest extends MessageBrokerContract {
 *     protected BrokerFixture newFixture() {   // three nodes in this JVM, see BrokerFixture
 *         return new ActorSystemFixture(List.of(newNode(), newNode(), newNode()));
 *     }
 * }
 * }</pre>
 *
 * <p>Every broker node also passes {@link LocalBrokerContract}. Both are ordinary JUnit 5 classes
 * of the {@code airssys-rt-testkit} artifact: depend on it in test scope and run the subclasses
 * like any test, e.g. {@code mvn test -Dtest='*ContractTest'}.
 *
 * <p>Placement: every test sends through node {@link #SENDER}'s broker ({@link #broker}), and the
 * k-th actor a test spawns lives on node {@code (SENDER + 1 + k) % nodes()}: with one node every
 * actor is local; with several, a test with one actor reaches it on another node, and a test
 * with several (broadcasts, publishes, routed sends) spans every node. Subscriptions,
 * unregistrations and queries also go through the sender's node.
 *
 * <p>Closing: {@link #closeEveryNode()} closes the sender's node first, then the others. So a
 * multi-node broker passes the close tests only if closing a node completes, before
 * {@code close()} returns, every future that node handed out (a request still waiting for a
 * remote actor fails with {@link SendError#ACTOR_STOPPED}), and a closed node answers every
 * later call with {@link BrokerError#BROKER_CLOSED}.
 *
 * <p>Handler failures: a caller on another JVM cannot get the handler's throwable, so this
 * contract checks what {@link io.airssys.rt.broker.ActorFailedException} carries as strings;
 * {@link LocalBrokerContract} checks the cause object too.
 *
 * <p>No test asserts a duration; timeouts used here are only upper bounds for waiting.
 */
public abstract class MessageBrokerContract extends BrokerContractSupport {

    /** The node every test sends through. */
    protected static final int SENDER = 0;

    /** The nodes of this test; closed after it. */
    protected BrokerFixture fixture;
    /** The broker of node {@link #SENDER}: what the test sends through. */
    protected MessageBroker broker;
    private int spawned;

    /** For subclasses, which supply {@link #newFixture()}. */
    protected MessageBrokerContract() {
    }

    /**
     * Returns new nodes, with no actor, for one test.
     *
     * @return the fixture under test
     */
    protected abstract BrokerFixture newFixture();

    @Override
    protected MessageBroker sender() {
        return broker;
    }

    @BeforeEach
    void startNodes() {
        fixture = newFixture();
        broker = fixture.broker(SENDER);
        spawned = 0;
    }

    @AfterEach
    void closeNodes() {
        fixture.close();
    }

    /**
     * Returns the node the next actor goes to: {@code (SENDER + 1 + k) % nodes()} for the
     * k-th actor of the test.
     *
     * @return a node
     */
    protected int nextNode() {
        return (SENDER + 1 + spawned++) % fixture.nodes();
    }

    /**
     * Spawns an actor on the {@linkplain #nextNode() next node}.
     *
     * @param id       its id
     * @param behavior makes it
     * @param mailbox  its mailbox
     * @return {@code id}
     */
    protected ActorId spawn(ActorId id, Behavior<?> behavior, Mailbox<?> mailbox) {
        return fixture.spawn(nextNode(), id, behavior, mailbox);
    }

    /**
     * Spawns an actor with an unbounded mailbox under a new id on the next node.
     *
     * @param behavior makes it
     * @return its id
     */
    protected ActorId spawn(Behavior<?> behavior) {
        return spawn(ActorId.newId(), behavior, Mailbox.unbounded());
    }

    /**
     * Spawns a worker under {@code id} on the next node.
     *
     * @param id    the id
     * @param probe where it records
     * @return the id
     */
    protected ActorId spawn(ActorId id, Probe probe) {
        return spawn(id, worker(probe), Mailbox.unbounded());
    }

    /**
     * Spawns a worker under a new id on the next node.
     *
     * @param probe where it records
     * @return the id
     */
    protected ActorId spawn(Probe probe) {
        return spawn(ActorId.newId(), probe);
    }

    /** Closes the sender's node, then every other node. */
    protected void closeEveryNode() {
        broker.close();
        for (int node = 0; node < fixture.nodes(); node++) {
            fixture.broker(node).close();
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

    // ------------------------------------------------------------------ fire-and-forget, overflow

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
    void anUnboundedMailboxNeverRejects() {
        Probe probe = new Probe();
        ActorId id = spawn(probe);
        String gate = gates.newGate();
        CompletableFuture<String> held = broker.send(id, new Hold(gate));
        for (int i = 1; i <= 20_000; i++) {
            broker.trySend(id, new Tick(1, i));
        }
        gates.open(gate);
        result(held);
        await().atMost(PATIENCE).until(() -> probe.ticks.get() == 20_000);
        assertThat(probe.violation.get()).isNull();
    }

    @Test
    void aFullBoundedMailboxRefusesARequestWithMailboxFullAndTakesOneOnceThereIsRoom() {
        Probe probe = new Probe();
        ActorId id = spawn(ActorId.newId(), worker(probe), Mailbox.bounded(2));
        Held held = holdInsideHandler(id, probe);
        CompletableFuture<String> first = broker.send(id, new Note("first"));
        CompletableFuture<String> second = broker.send(id, new Note("second"));
        CompletableFuture<String> refused = broker.send(id, new Note("refused"));
        assertThat(sendErrorOf(refused)).isEqualTo(SendError.MAILBOX_FULL);
        assertThat(((SendException) failureOf(refused)).actorId()).isEqualTo(id);
        held.release();
        assertThat(result(held.reply())).isEqualTo("released");
        assertThat(result(first)).isEqualTo("first");
        assertThat(result(second)).isEqualTo("second");
        assertThat(result(broker.send(id, new Note("room again")))).isEqualTo("room again");
        assertThat(probe.notes).containsExactly("first", "second", "room again");
    }

    // ------------------------------------------------------------------ registration

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
    void stopFromALaterReplysContinuationStopsAnIdleActor() {
        CompletableFuture<String> later = new CompletableFuture<>();
        AtomicReference<ActorContext> context = new AtomicReference<>();
        ActorId id = spawn(Behaviors.receive()
                .onAsync(Echo.class, (ctx, m) -> {
                    context.set(ctx);
                    return later.thenApply(v -> {
                        ctx.stop(); // on the completing thread, after the handler has returned
                        return v;
                    });
                })
                .build());
        CompletableFuture<String> reply = broker.send(id, new Echo("x"));
        await().atMost(PATIENCE).until(() -> context.get() != null);
        later.complete("done"); // the actor is idle now: nothing else would make it look at a flag
        assertThat(result(reply)).isEqualTo("done");
        await().atMost(PATIENCE).until(() -> !broker.isRegistered(id));
        assertThat(sendErrorOf(broker.send(id, new Echo("y")))).isEqualTo(SendError.ACTOR_NOT_FOUND);
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
        ActorId silent = spawn(Behaviors.receive().on(Increment.class, m -> 0).build());
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
                LongStream.range(100, 200).boxed().toList());
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
        closeEveryNode();
        assertThat(inFlight.reply()).isDone();
        assertThat(queued).allSatisfy(f -> assertThat(sendErrorOf(f)).isEqualTo(SendError.ACTOR_STOPPED));
        assertThat(sendErrorOf(inFlight.reply())).isEqualTo(SendError.ACTOR_STOPPED);
        inFlight.release();
        assertThat(broker.registeredCount()).isZero();
        assertBrokerClosed(failureOf(broker.send(id, new Increment(1))));
        broker.close(); // idempotent
        assertThat(broker.isClosed()).isTrue();
    }

    @Test
    void everyMethodSignalsAClosedBrokerTheSameWay() {
        ActorId id = spawn(new Probe());
        broker.subscribe(id, "jobs.*");
        assertThat(broker.isClosed()).isFalse();
        closeEveryNode();
        assertThat(broker.isClosed()).isTrue();
        // synchronous methods throw it
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
        // long enough for the free actor to answer from another node on a loaded machine
        SendOptions quick = SendOptions.timeout(Duration.ofMillis(500));
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
    void topicsWithoutSubscribersGiveAnEmptyPublishAndAFailedRoutedSend() {
        assertThat(result(broker.publish("nobody.listens", new Echo("hello?")))).isEmpty();
        Throwable t = failureOf(broker.sendWithRouting(RoutingKey.of("no.such.queue"), new Echo("x")));
        assertThat(t).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.error()).isEqualTo(BrokerError.ROUTING_FAILED));
        assertThat(t.getMessage()).contains("no.such.queue");
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
        AtomicBoolean done = new AtomicBoolean();
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
        // priorities order what waits together: on a remote node, wait until all seven arrived
        await().atMost(PATIENCE).until(() -> fixture.queued(id) == sends.length);
        held.release();
        replies.forEach(MessageBrokerContract::result);
        assertThat(probe.notes).containsExactly("critical-1", "critical-2", "high-1", "normal-1", "normal-2",
                "low-1", "low-2");
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
        // nothing was corrupted
        assertThat(result(broker.send(id, new Echo("still fine")))).isEqualTo("still fine");
    }

    // ------------------------------------------------------------------ concurrency

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
