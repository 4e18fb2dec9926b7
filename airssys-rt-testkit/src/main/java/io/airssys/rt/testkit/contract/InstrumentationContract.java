package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.mailbox.OverflowStrategy;
import io.airssys.rt.testkit.ManualExecutor;
import io.airssys.rt.testkit.ManualScheduler;
import io.airssys.rt.testkit.RecordingInstrumentation;
import io.airssys.rt.testkit.RecordingInstrumentation.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every broker node promises to an {@link Instrumentation}: one {@code onSend} and exactly one
 * {@code onOutcome} per message, with the send token unchanged; paired process hooks on the actor's
 * thread, and none for a message that never started; register and unregister hooks; and hooks that
 * throw never break a delivery.
 *
 * <p>Deterministic: the actors run on a {@link ManualExecutor} (only when a test steps it) and the
 * broker's timeouts on a {@link ManualScheduler}. An implementation's test supplies a node built
 * with the given instrumentation and scheduler:
 *
 * <pre>{@code
 * class InMemoryInstrumentationContractTest extends InstrumentationContract {
 *     protected BrokerNode newBroker(Instrumentation instrumentation, ManualScheduler scheduler) {
 *         return InMemoryMessageBroker.builder().instrumentation(instrumentation).scheduler(scheduler).build();
 *     }
 * }
 * }</pre>
 *
 * <p>After every test, the contract checks the whole recording: each send has one outcome carrying its token, each start one end on its thread
 * after it, every outcome belongs to a send, and the outcomes agree with the broker's counters
 * (REPLIED is delivered, every other outcome failed).
 */
public abstract class InstrumentationContract {

    /**
     * A request answered with its text.
     *
     * @param text the answer
     */
    public record Ask(String text) implements Message<String> {
    }

    /**
     * A fire-and-forget message.
     *
     * @param text a label
     */
    public record Fire(String text) implements Message<Void> {
    }

    /** A request whose handler throws. */
    public record Boom() implements Message<String> {
    }

    /** A request no actor of the contract handles. */
    public record Nobody() implements Message<String> {
    }

    /**
     * A request whose handler lets the broker's clock pass {@code by} before it answers.
     *
     * @param by how far the handler advances the broker's clock
     */
    public record Slow(Duration by) implements Message<String> {
    }

    /** A request answered later, through the stage the test completes. */
    public record Later() implements Message<String> {
    }

    /** What {@link Boom}'s handler throws. */
    static final class Kaboom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Kaboom() {
            super("kaboom", null, false, false);
        }
    }

    /**
     * Makes the node under test, with {@code instrumentation} installed and its timeouts on
     * {@code scheduler}.
     *
     * @param instrumentation the hooks to install
     * @param scheduler       the broker's timer
     * @return a new node
     */
    protected abstract BrokerNode newBroker(Instrumentation instrumentation, ManualScheduler scheduler);

    /** Creates the contract. */
    protected InstrumentationContract() {
    }

    private final RecordingInstrumentation hooks = new RecordingInstrumentation();
    private final ManualExecutor executor = new ManualExecutor();
    private final ManualScheduler clock = new ManualScheduler();
    private final AtomicReference<CompletableFuture<String>> later = new AtomicReference<>();
    private BrokerNode broker;
    private ActorSystem system;

    @BeforeEach
    void start() {
        broker = newBroker(hooks, clock);
        system = ActorSystem.builder().broker(broker).executor(executor).build();
    }

    @AfterEach
    void stop() {
        try {
            everySendHasExactlyOneOutcomeAndPairedProcessHooks();
        } finally {
            system.close();
            executor.runAll();
        }
    }

    private ActorId spawn(Mailbox<?> mailbox) {
        ActorId id = system.spawn(Behaviors.receive()
                .on(Ask.class, a -> a.text())
                .onTell(Fire.class, f -> { })
                .on(Boom.class, b -> {
                    throw new Kaboom();
                })
                .on(Slow.class, s -> {
                    clock.advance(s.by()); // the broker's timer fires while the handler runs
                    return "late";
                })
                .onAsync(Later.class, l -> {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    later.set(f);
                    return f;
                })
                .build(), mailbox).id();
        executor.runAll(); // preStart
        return id;
    }

    private ActorId spawn() {
        return spawn(Mailbox.unbounded());
    }

    private Event.Sent onlySend() {
        List<Event.Sent> sends = hooks.sends();
        assertThat(sends).hasSize(1);
        return sends.get(0);
    }

    private Event.Retired outcomeOf(Event.Sent send) {
        List<Event.Retired> outcomes = hooks.outcomesOf(send);
        assertThat(outcomes).as("outcomes of %s", send).hasSize(1);
        return outcomes.get(0);
    }

    private List<Outcome> outcomesInSendOrder() {
        List<Outcome> all = new ArrayList<>();
        for (Event.Sent s : hooks.sends()) {
            all.add(outcomeOf(s).outcome());
        }
        return all;
    }

    /** Checked after every test, over everything recorded. */
    private void everySendHasExactlyOneOutcomeAndPairedProcessHooks() {
        executor.runAll();
        List<Event> events = hooks.events();
        Map<Object, Integer> sendAt = new IdentityHashMap<>();
        Map<Object, Event.Started> starts = new IdentityHashMap<>();
        Set<Object> ended = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        long replied = 0;
        long others = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (e instanceof Event.Sent s) {
                sendAt.put(s.token(), i);
            } else if (e instanceof Event.Started s) {
                assertThat(sendAt).as("a start after its send: %s", s).containsKey(s.sendToken());
                assertThat(hooks.events(Event.Started.class).stream().filter(o -> o.sendToken() == s.sendToken()))
                        .as("one start per message").hasSize(1);
                starts.put(s.token(), s);
            } else if (e instanceof Event.Ended end) {
                Event.Started s = starts.get(end.processToken());
                assertThat(s).as("an end after its start: %s", end).isNotNull();
                assertThat(end.thread()).as("end on the start's thread").isSameAs(s.thread());
                assertThat(ended.add(end.processToken())).as("one end per start").isTrue();
                assertThat(end.processingNanos()).isNotNegative();
            } else if (e instanceof Event.Retired r) {
                assertThat(sendAt).as("an outcome after its send: %s", r).containsKey(r.sendToken());
                if (r.outcome() == Outcome.REPLIED) {
                    replied++;
                } else {
                    others++;
                }
            }
        }
        assertThat(ended).as("every start ended").hasSameSizeAs(starts.keySet());
        for (Event.Sent s : hooks.sends()) {
            outcomeOf(s);
        }
        if (!broker.isClosed()) {
            BrokerMetrics m = broker.metrics();
            assertThat(m.totalSent()).isEqualTo(hooks.sends().size());
            assertThat(m.totalDelivered()).isEqualTo(replied);
            assertThat(m.totalFailed()).isEqualTo(others);
        }
    }

    @Test
    void aRequestIsSentStartedEndedAndRepliedInThatOrderWithItsToken() {
        ActorId id = spawn();
        CompletableFuture<String> reply = broker.send(id, new Ask("hi"), SendOptions.priority(Priority.HIGH));
        executor.runAll();
        assertThat(reply.join()).isEqualTo("hi");
        Event.Sent send = onlySend();
        assertThat(send.target()).isEqualTo(id);
        assertThat(send.message()).isEqualTo(new Ask("hi"));
        assertThat(send.priority()).isEqualTo(Priority.HIGH);
        List<Event> events = hooks.events();
        Event.Started start = hooks.startsOf(send).get(0);
        assertThat(start.actor()).isEqualTo(id);
        assertThat(start.sendToken()).isSameAs(send.token());
        assertThat(start.queuedNanos()).isNotNegative();
        Event.Retired outcome = outcomeOf(send);
        assertThat(outcome.outcome()).isEqualTo(Outcome.REPLIED);
        assertThat(outcome.error()).isNull();
        Event.Ended end = hooks.events(Event.Ended.class).get(0);
        assertThat(end.failure()).isNull();
        assertThat(end.processToken()).isSameAs(start.token());
        assertThat(events.indexOf(send)).isLessThan(events.indexOf(start));
        assertThat(events.indexOf(start)).isLessThan(events.indexOf(end));
        assertThat(events.indexOf(end)).isLessThan(events.indexOf(outcome));
    }

    @Test
    void theSendersHeadersReachOnSend() {
        ActorId id = spawn();
        broker.send(id, new Ask("h"), SendOptions.DEFAULT.withHeader("trace-id", "t-1"));
        executor.runAll();
        assertThat(onlySend().headers()).containsEntry("trace-id", "t-1");
    }

    @Test
    void aHandlerThatThrowsEndsWithItsFailureAndOneHandlerFailedOutcome() {
        ActorId id = spawn();
        CompletableFuture<String> reply = broker.send(id, new Boom());
        executor.runAll();
        assertThat(reply).isCompletedExceptionally();
        Event.Sent send = onlySend();
        assertThat(hooks.events(Event.Ended.class)).singleElement()
                .satisfies(end -> assertThat(end.failure()).isInstanceOf(Kaboom.class));
        Event.Retired outcome = outcomeOf(send);
        assertThat(outcome.outcome()).isEqualTo(Outcome.HANDLER_FAILED);
        assertThat(outcome.error()).isInstanceOf(ActorFailedException.class).hasCauseInstanceOf(Kaboom.class);
    }

    @Test
    void anUnhandledTypeIsOneUnhandledOutcome() {
        ActorId id = spawn();
        broker.send(id, new Nobody());
        executor.runAll();
        assertThat(outcomeOf(onlySend()).outcome()).isEqualTo(Outcome.UNHANDLED);
    }

    @Test
    void aFireAndForgetMessageIsRepliedWithAQueuedTime() {
        ActorId id = spawn();
        broker.trySend(id, new Fire("f"));
        executor.runAll();
        Event.Sent send = onlySend();
        assertThat(outcomeOf(send).outcome()).isEqualTo(Outcome.REPLIED);
        assertThat(hooks.startsOf(send)).singleElement()
                .satisfies(s -> assertThat(s.queuedNanos()).isNotNegative());
    }

    @Test
    void aSendToNoActorIsOneActorNotFoundOutcomeAndNoProcessHooks() {
        ActorId nobody = ActorId.newId();
        assertThatThrownBy(() -> broker.trySend(nobody, new Fire("x"))).isInstanceOf(SendException.class);
        broker.send(nobody, new Ask("y"));
        assertThat(outcomesInSendOrder()).containsExactly(Outcome.ACTOR_NOT_FOUND, Outcome.ACTOR_NOT_FOUND);
        assertThat(hooks.events(Event.Started.class)).isEmpty();
        assertThat(hooks.sends()).extracting(Event.Sent::target).containsExactly(nobody, nobody);
    }

    @Test
    void aFullFailMailboxRefusesWithMailboxFull() {
        fullMailboxGivesEachMessageOneOutcome(OverflowStrategy.FAIL);
    }

    @Test
    void aFullDropNewestMailboxDropsWithMailboxFull() {
        fullMailboxGivesEachMessageOneOutcome(OverflowStrategy.DROP_NEWEST);
    }

    @Test
    void aFullDropOldestMailboxEvicts() {
        fullMailboxGivesEachMessageOneOutcome(OverflowStrategy.DROP_OLDEST);
    }

    @Test
    void aFullBlockMailboxAdmitsTheWaitingRequestAndRefusesTrySend() {
        fullMailboxGivesEachMessageOneOutcome(OverflowStrategy.BLOCK);
    }

    private void fullMailboxGivesEachMessageOneOutcome(OverflowStrategy strategy) {
        ActorId id = spawn(Mailbox.builder().capacity(1).overflow(strategy).build());
        broker.send(id, new Ask("first"));
        broker.send(id, new Ask("second"));
        if (strategy == OverflowStrategy.DROP_NEWEST) {
            broker.trySend(id, new Fire("dropped quietly"));
        } else if (strategy != OverflowStrategy.DROP_OLDEST) {
            assertThatThrownBy(() -> broker.trySend(id, new Fire("refused"))).isInstanceOf(SendException.class);
        }
        executor.runAll();
        List<Outcome> expected = switch (strategy) {
            case FAIL, DROP_NEWEST -> List.of(Outcome.REPLIED, Outcome.MAILBOX_FULL, Outcome.MAILBOX_FULL);
            case DROP_OLDEST -> List.of(Outcome.EVICTED, Outcome.REPLIED);
            case BLOCK -> List.of(Outcome.REPLIED, Outcome.REPLIED, Outcome.MAILBOX_FULL); // the second waited
        };
        assertThat(outcomesInSendOrder()).containsExactlyElementsOf(expected);
        for (Event.Sent s : hooks.sends()) {
            Outcome o = outcomeOf(s).outcome();
            assertThat(hooks.startsOf(s)).as("process hooks only for a processed message")
                    .hasSize(o.processed() ? 1 : 0);
        }
    }

    @Test
    void aTimeoutBeforeTheStartIsTimedOutWithNoProcessHooks() {
        ActorId id = spawn();
        CompletableFuture<String> reply = broker.send(id, new Ask("late"), Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(reply).isCompletedExceptionally();
        executor.runAll();
        Event.Sent send = onlySend();
        Event.Retired outcome = outcomeOf(send);
        assertThat(outcome.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(outcome.error()).isInstanceOfSatisfying(SendException.class,
                e -> assertThat(e.error()).isEqualTo(SendError.TIMEOUT));
        assertThat(hooks.events(Event.Started.class)).isEmpty();
        assertThat(hooks.events(Event.Ended.class)).isEmpty();
    }

    @Test
    void aTimeoutWhileProcessingIsAbandonedAfterPairedProcessHooks() {
        ActorId id = spawn();
        CompletableFuture<String> reply = broker.send(id, new Slow(Duration.ofSeconds(2)), Duration.ofSeconds(1));
        executor.runAll();
        assertThat(reply).isCompletedExceptionally();
        Event.Sent send = onlySend();
        assertThat(outcomeOf(send).outcome()).isEqualTo(Outcome.ABANDONED);
        assertThat(hooks.startsOf(send)).hasSize(1);
        assertThat(hooks.events(Event.Ended.class)).hasSize(1);
    }

    @Test
    void aCancelledMessageIsCancelledWithNoProcessHooks() {
        ActorId id = spawn();
        broker.send(id, new Ask("never")).cancel(false);
        executor.runAll();
        assertThat(outcomeOf(onlySend()).outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(hooks.events(Event.Started.class)).isEmpty();
    }

    @Test
    void anAsyncReplyIsRetiredWhenItsStageCompletesAfterTheProcessEnded() {
        ActorId id = spawn();
        CompletableFuture<String> reply = broker.send(id, new Later());
        executor.runAll();
        Event.Sent send = onlySend();
        assertThat(hooks.events(Event.Ended.class)).hasSize(1);
        assertThat(hooks.outcomesOf(send)).as("not retired before its stage completes").isEmpty();
        later.get().complete("done");
        assertThat(reply.join()).isEqualTo("done");
        assertThat(outcomeOf(send).outcome()).isEqualTo(Outcome.REPLIED);
    }

    @Test
    void registerAndUnregisterAreReportedAndAQueuedMessageIsActorStopped() {
        ActorId id = spawn();
        assertThat(hooks.events(Event.Registered.class)).extracting(Event.Registered::actor).containsExactly(id);
        broker.send(id, new Ask("queued"));
        broker.unregister(id);
        executor.runAll();
        assertThat(outcomeOf(onlySend()).outcome()).isEqualTo(Outcome.ACTOR_STOPPED);
        assertThat(hooks.events(Event.Unregistered.class)).extracting(Event.Unregistered::actor).containsExactly(id);
    }

    @Test
    void closeUnregistersEveryActorAndRetiresWhatWasQueued() {
        ActorId a = spawn();
        ActorId b = spawn();
        broker.send(a, new Ask("queued"));
        broker.close();
        executor.runAll();
        assertThat(outcomeOf(onlySend()).outcome()).isEqualTo(Outcome.ACTOR_STOPPED);
        assertThat(hooks.events(Event.Unregistered.class)).extracting(Event.Unregistered::actor)
                .containsExactlyInAnyOrder(a, b);
    }

    @Test
    void aBroadcastSendsOncePerTargetInRegistrationOrder() {
        ActorId a = spawn();
        ActorId b = spawn();
        ActorId c = spawn();
        var replies = broker.broadcast(new Ask("all"));
        executor.runAll();
        assertThat(replies.join()).hasSize(3);
        assertThat(hooks.sends()).extracting(Event.Sent::target).containsExactly(a, b, c);
        assertThat(outcomesInSendOrder()).containsOnly(Outcome.REPLIED).hasSize(3);
    }

    @Test
    void aPublishSendsOncePerSubscriberAndATopicNobodyHearsIsNoSubscriber() {
        ActorId a = spawn();
        ActorId b = spawn();
        broker.subscribe(a, "orders.*");
        broker.subscribe(b, "orders.*");
        broker.publish("orders.new", new Ask("o"));
        executor.runAll();
        assertThat(hooks.sends()).extracting(Event.Sent::target).containsExactlyInAnyOrder(a, b);
        int before = hooks.sends().size();
        broker.publish("nobody.listens", new Ask("p"));
        broker.sendWithRouting(RoutingKey.of("nobody.listens"), new Ask("r"));
        List<Event.Sent> sends = hooks.sends().subList(before, hooks.sends().size());
        assertThat(sends).hasSize(2).allSatisfy(s -> assertThat(s.target()).isNull());
        assertThat(sends).allSatisfy(s -> assertThat(outcomeOf(s).outcome()).isEqualTo(Outcome.NO_SUBSCRIBER));
    }

    @Test
    void hooksThatThrowNeverBreakADeliveryNorTheOtherHooks() {
        // a second node: the failing instrumentation first, the recorder after it
        Instrumentation failing = new Instrumentation() {
            @Override
            public Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
                throw new IllegalStateException("onSend");
            }

            @Override
            public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
                throw new IllegalStateException("onProcessStart");
            }

            @Override
            public void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                                     Throwable failure) {
                throw new IllegalStateException("onProcessEnd");
            }

            @Override
            public void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
                throw new IllegalStateException("onOutcome");
            }

            @Override
            public void onRegister(ActorId actor) {
                throw new IllegalStateException("onRegister");
            }
        };
        RecordingInstrumentation after = new RecordingInstrumentation();
        BrokerNode other = newBroker(Instrumentation.compose(failing, after), clock);
        try (ActorSystem s = ActorSystem.builder().broker(other).executor(executor).build()) {
            ActorId id = s.spawn(Behaviors.receive().on(Ask.class, Ask::text).build()).id();
            executor.runAll();
            CompletableFuture<String> reply = other.send(id, new Ask("still"));
            executor.runAll();
            assertThat(reply.join()).isEqualTo("still");
            assertThat(other.metrics().totalDelivered()).isEqualTo(1);
            assertThat(after.sends()).hasSize(1);
            assertThat(after.outcomesOf(after.sends().get(0))).extracting(Event.Retired::outcome)
                    .containsExactly(Outcome.REPLIED);
            assertThat(after.events(Event.Registered.class)).hasSize(1);
        }
        // the guard alone, without compose: a throwing single instrumentation
        BrokerNode alone = newBroker(failing, clock);
        try (ActorSystem s = ActorSystem.builder().broker(alone).executor(executor).build()) {
            ActorId id = s.spawn(Behaviors.receive().on(Ask.class, Ask::text).build()).id();
            executor.runAll();
            CompletableFuture<String> reply = alone.send(id, new Ask("guarded"));
            executor.runAll();
            assertThat(reply.join()).isEqualTo("guarded");
        }
    }
}
