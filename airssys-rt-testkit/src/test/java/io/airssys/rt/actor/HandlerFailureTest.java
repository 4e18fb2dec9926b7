package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a handler's worst failures do: virtual machine errors, replies that never come, and
 * listeners that throw errors. Nothing may wedge an actor or leave a future pending.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandlerFailureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    record Recurse(int depth) implements Message<Integer> {
    }

    record Oom() implements Message<Integer> {
    }

    record Block(CountDownLatch release) implements Message<Integer> {
    }

    record Ping(int n) implements Message<Integer> {
    }

    record Never() implements Message<String> {
    }

    private final ActorSystem system = ActorSystem.builder().threads(2).build();
    private final BrokerNode broker = system.broker();
    private final AtomicInteger postStops = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();

    @AfterEach
    void close() {
        system.close();
    }

    private static int recurse(int depth) {
        return depth == Integer.MIN_VALUE ? 0 : 1 + recurse(depth + 1); // never ends: overflows the stack
    }

    private ActorId spawnVictim() {
        Behavior<?> behavior = Behaviors.receive()
                .on(Recurse.class, r -> recurse(r.depth()))
                .on(Oom.class, o -> {
                    throw new OutOfMemoryError("thrown by the test");
                })
                .on(Block.class, b -> {
                    b.release().await();
                    return 0;
                })
                .on(Ping.class, p -> {
                    pings.incrementAndGet();
                    return p.n();
                })
                .onStop(ctx -> postStops.incrementAndGet())
                .build();
        return system.spawn(behavior).id();
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("future did not fail in time: " + f, e);
        }
        throw new AssertionError("future succeeded: " + f.join());
    }

    private void assertStoppedCleanly(ActorId id, CompletableFuture<Integer> failing, Class<? extends Throwable> error,
                                      List<CompletableFuture<Integer>> queued) {
        assertThat(failureOf(failing)).isInstanceOfSatisfying(ActorFailedException.class, e -> {
            assertThat(e.actorId()).isEqualTo(id);
            assertThat(e.getCause()).isInstanceOf(error);
        });
        for (CompletableFuture<Integer> q : queued) {
            assertThat(failureOf(q)).isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_STOPPED));
        }
        await().atMost(PATIENCE).until(() -> postStops.get() == 1);
        assertThat(broker.isRegistered(id)).isFalse();
        await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
        BrokerMetrics m = broker.metrics();
        assertThat(m.totalSent()).isEqualTo(m.totalDelivered() + m.totalFailed());
        assertThat(pings.get()).isZero();
    }

    @Test
    void aStackOverflowInAHandlerFailsThatMessageAndStopsTheActorCleanly() {
        ActorId id = spawnVictim();
        CountDownLatch release = new CountDownLatch(1);
        broker.send(id, new Block(release));
        CompletableFuture<Integer> overflow = broker.send(id, new Recurse(0));
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(broker.send(id, new Ping(i)));
        }
        release.countDown();
        assertStoppedCleanly(id, overflow, StackOverflowError.class, queued);
    }

    @Test
    void anOutOfMemoryErrorInAHandlerFailsThatMessageAndStopsTheActorCleanly() {
        ActorId id = spawnVictim();
        CountDownLatch release = new CountDownLatch(1);
        broker.send(id, new Block(release));
        CompletableFuture<Integer> oom = broker.send(id, new Oom());
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(broker.send(id, new Ping(i)));
        }
        release.countDown();
        assertStoppedCleanly(id, oom, OutOfMemoryError.class, queued);
        // the system's other actors still run
        ActorId other = system.spawn(Behaviors.receive().on(Ping.class, Ping::n).build()).id();
        assertThat(broker.send(other, new Ping(7)).join()).isEqualTo(7);
    }

    @Test
    void anAsyncReplyThatNeverCompletesIsReleasedAndCountedWhenItsSenderTimesOut() {
        ActorId id = system.spawn(Behaviors.receive()
                .onAsync(Never.class, (ctx, n) -> new CompletableFuture<String>())
                .build()).id();
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            replies.add(broker.send(id, new Never(), Duration.ofMillis(20)));
        }
        for (CompletableFuture<String> r : replies) {
            assertThat(failureOf(r)).isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).isEqualTo(SendError.TIMEOUT));
        }
        // every send is accounted for although no stage ever completes
        await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
        BrokerMetrics m = broker.metrics();
        assertThat(m.totalSent()).isEqualTo(200);
        assertThat(m.totalFailed()).isEqualTo(200);
    }

    @Test
    void aDeadLetterListenerThatThrowsAnErrorOnTheSkipPathDoesNotWedgeTheActor() {
        broker.deadLetters().listen(letter -> {
            throw new AssertionError("a test's listener failed");
        });
        ActorId id = spawnVictim();
        CountDownLatch release = new CountDownLatch(1);
        broker.send(id, new Block(release));
        CompletableFuture<Integer> cancelled = broker.send(id, new Ping(1));
        cancelled.cancel(false); // skipped when the actor reaches it: dead-lettered, listener throws
        CompletableFuture<Integer> after = broker.send(id, new Ping(2));
        release.countDown();
        await().atMost(PATIENCE).until(after::isDone);
        assertThat(after.join()).isEqualTo(2);
        assertThat(broker.deadLetters().countsByReason().get(DeadLetterReason.CANCELLED)).isEqualTo(1);
    }

    @Test
    void aBrokerListenerThatThrowsAnErrorBreaksNoSendAndTheCountsBalance() {
        broker.addListener(new io.airssys.rt.broker.BrokerListener() {
            @Override
            public void onSend(ActorId target, Message<?> message, io.airssys.rt.Priority priority) {
                throw new AssertionError("a test's listener failed");
            }
        });
        ActorId id = spawnVictim();
        assertThat(broker.send(id, new Ping(3)).join()).isEqualTo(3);
        await().atMost(PATIENCE).until(() -> broker.metrics().inFlight() == 0);
        assertThat(broker.metrics().totalSent()).isEqualTo(1);
        assertThat(broker.metrics().totalDelivered()).isEqualTo(1);
    }

    @Test
    void aDeadLetterListenerThatThrowsAnErrorDuringCloseDoesNotCutCloseShort() {
        InMemoryMessageBroker own = new InMemoryMessageBroker();
        ActorSystem sys = ActorSystem.builder().broker(own).threads(1).build();
        own.deadLetters().listen(letter -> {
            throw new AssertionError("a test's listener failed");
        });
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            ActorId id = sys.spawn(Behaviors.receive()
                    .on(Block.class, b -> {
                        b.release().await();
                        return 0;
                    })
                    .on(Ping.class, Ping::n).build()).id();
            all.add(own.send(id, new Block(release)));
            for (int i = 0; i < 3; i++) {
                all.add(own.send(id, new Ping(i)));
            }
        }
        own.close();
        assertThat(all).allSatisfy(f -> assertThat(f).isDone());
        assertThat(own.registeredCount()).isZero();
        release.countDown();
        sys.close();
    }

    @Test
    void closingTheSystemCompletesQueuedRequestsBehindAHandlerThatIgnoresInterrupts() {
        java.util.concurrent.atomic.AtomicBoolean letGo = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch inside = new CountDownLatch(1);
        ActorSystem sys = ActorSystem.builder().threads(1).shutdownTimeout(Duration.ofMillis(200)).build();
        ActorId id = sys.spawn(Behaviors.receive()
                .on(Ping.class, p -> {
                    inside.countDown();
                    while (!letGo.get()) {
                        Thread.onSpinWait(); // deaf to interrupts
                    }
                    return p.n();
                }).build()).id();
        CompletableFuture<Integer> running = sys.broker().send(id, new Ping(0), Duration.ofSeconds(1));
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            queued.add(sys.broker().send(id, new Ping(i), Duration.ofSeconds(1)));
        }
        try {
            assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
            sys.close();
            assertThat(running).isDone();
            assertThat(queued).allSatisfy(f -> assertThat(f).isDone());
            assertThat(queued).allSatisfy(f -> assertThat(failureOf(f)).isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_STOPPED)));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            letGo.set(true);
        }
    }
}
