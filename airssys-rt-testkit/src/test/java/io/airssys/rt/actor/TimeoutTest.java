package io.airssys.rt.actor;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.testkit.ManualExecutor;
import io.airssys.rt.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Timeouts on a manual clock and a manual executor: no sleeping, no races. */
class TimeoutTest {

    record Work() implements Message<String> {
    }

    private final ManualScheduler clock = new ManualScheduler();
    private final ManualExecutor executor = new ManualExecutor();
    private final AtomicInteger handled = new AtomicInteger();
    private final ActorSystem system = ActorSystem.builder()
            .broker(InMemoryMessageBroker.builder().scheduler(clock).defaultTimeout(Duration.ofSeconds(5)).build())
            .executor(executor)
            .build();
    private final ActorId id = system.spawn(Behaviors.receive().on(Work.class, w -> {
        handled.incrementAndGet();
        return "done";
    }).build()).id();

    @AfterEach
    void close() {
        system.close();
    }

    private static SendError errorOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return ((SendException) f.exceptionNow()).error();
    }

    @Test
    void aPerCallTimeoutFailsTheFutureAndTheMessageIsNeverProcessedLate() {
        executor.runAll(); // preStart
        CompletableFuture<String> f = system.broker().send(id, new Work(), Duration.ofMillis(100));
        clock.advance(Duration.ofMillis(99));
        assertThat(f).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(errorOf(f)).isEqualTo(SendError.TIMEOUT);
        assertThat(f.exceptionNow()).hasMessageContaining(id.toString()).hasMessageContaining("Work");
        executor.runAll();
        assertThat(handled.get()).isZero();
        assertThat(system.broker().metrics().totalFailed()).isEqualTo(1);
        assertThat(system.broker().metrics().inFlight()).isZero();
    }

    @Test
    void theBrokerDefaultTimeoutAppliesToSendAndBroadcast() {
        executor.runAll();
        CompletableFuture<String> f = system.broker().send(id, new Work());
        CompletableFuture<List<Reply<String>>> all = system.broker().broadcast(new Work());
        clock.advance(Duration.ofSeconds(5));
        assertThat(errorOf(f)).isEqualTo(SendError.TIMEOUT);
        assertThat(all).isCompleted();
        assertThat(all.join()).singleElement().isInstanceOfSatisfying(Reply.Failed.class,
                r -> assertThat(((SendException) r.error()).error()).isEqualTo(SendError.TIMEOUT));
    }

    @Test
    void aReplyBeforeTheDeadlineCancelsTheTimer() {
        executor.runAll();
        CompletableFuture<String> f = system.broker().send(id, new Work(), Duration.ofSeconds(1));
        assertThat(clock.pending()).isEqualTo(1); // the timing wheel's wake-up
        executor.runAll();
        assertThat(f.join()).isEqualTo("done");
        clock.advance(Duration.ofSeconds(2));
        assertThat(f.join()).isEqualTo("done");
        assertThat(clock.pending()).as("nothing left on the scheduler once the wheel is empty").isZero();
        assertThat(system.broker().metrics().totalFailed()).isZero();
    }

    @Test
    void aSendersOrTimeoutTimesOutItsOwnStageAndTheMessageIsStillProcessedAndCountedOnce() throws Exception {
        executor.runAll();
        CompletableFuture<String> sent = system.broker().send(id, new Work());
        CompletableFuture<String> f = sent.orTimeout(1, java.util.concurrent.TimeUnit.NANOSECONDS);
        await().atMost(Duration.ofSeconds(20)).until(f::isDone); // orTimeout runs on the JDK's own delayer
        assertThat(f.exceptionNow()).isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(sent).as("the broker's future is not the timed-out stage").isNotDone();
        executor.runAll();
        assertThat(handled.get()).isEqualTo(1);
        assertThat(sent.get()).isEqualTo("done");
        assertThat(system.broker().metrics().totalDelivered()).isEqualTo(1);
        assertThat(system.broker().metrics().totalFailed()).isZero();
        assertThat(system.broker().deadLetters().totalCount()).isZero();
        CompletableFuture<String> g = system.broker().send(id, new Work()).completeOnTimeout("fallback", 1,
                java.util.concurrent.TimeUnit.NANOSECONDS);
        await().atMost(Duration.ofSeconds(20)).until(g::isDone);
        assertThat(g.get()).isEqualTo("fallback");
        executor.runAll();
        assertThat(handled.get()).isEqualTo(2);
        assertThat(system.broker().metrics().totalDelivered()).isEqualTo(2);
        assertThat(system.broker().metrics().totalFailed()).isZero();
    }

    @Test
    void aSenderCannotCompleteTheBrokersFutureItselfSoCountersAndDeadLettersStayTrue() {
        executor.runAll();
        CompletableFuture<String> f = system.broker().send(id, new Work());
        assertThatThrownBy(() -> f.complete("not needed any more")).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cancel");
        assertThatThrownBy(() -> f.completeExceptionally(new IllegalStateException("gave up")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.obtrudeValue("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.obtrudeException(new IllegalStateException())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.completeAsync(() -> "x")).isInstanceOf(UnsupportedOperationException.class);
        executor.runAll();
        assertThat(f.join()).isEqualTo("done");
        assertThatThrownBy(() -> f.obtrudeValue("rewritten")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(f.join()).isEqualTo("done");
        assertThat(system.broker().metrics().totalDelivered()).isEqualTo(1);
        assertThat(system.broker().metrics().totalFailed()).isZero();
        // cancel keeps its meaning: a message not started is skipped and dead-lettered CANCELLED
        CompletableFuture<String> c = system.broker().send(id, new Work());
        assertThat(c.cancel(false)).isTrue();
        executor.runAll();
        assertThat(handled.get()).isEqualTo(1);
        assertThat(system.broker().deadLetters().countsByReason().get(DeadLetterReason.CANCELLED)).isEqualTo(1);
    }

    @Test
    void aTimeoutWhileTheHandlerRunsSaysSoAndOneBeforeTheStartSaysItNeverStarts() {
        executor.runAll();
        CompletableFuture<String> queued = system.broker().send(id, new Work(), Duration.ofMillis(10));
        clock.advance(Duration.ofMillis(10));
        assertThat(queued.exceptionNow()).hasMessageContaining("before the actor started it");
        executor.runAll();
        assertThat(handled.get()).isZero();
    }

    @Test
    void anInjectedScheduledThreadPoolExecutorKeepsNoTaskPerAnsweredRequest() throws Exception {
        java.util.concurrent.ScheduledThreadPoolExecutor stpe = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        try (ActorSystem real = ActorSystem.builder()
                .broker(InMemoryMessageBroker.builder().scheduler(stpe).build()).threads(1).build()) {
            ActorId echo = real.spawn(Behaviors.receive().on(Work.class, w -> "done").build()).id();
            for (int i = 0; i < 1_000; i++) {
                assertThat(real.broker().send(echo, new Work(), Duration.ofSeconds(30)).join()).isEqualTo("done");
            }
            // a few (superseded) wake-ups of the wheel, never one cancelled task per answered
            // request kept for the whole 30 s timeout (which left 1,000 here)
            assertThat(stpe.getQueue().size()).isLessThan(16);
        } finally {
            stpe.shutdownNow();
        }
    }
}
