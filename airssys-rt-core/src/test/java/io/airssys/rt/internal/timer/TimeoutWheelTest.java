package io.airssys.rt.internal.timer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TimeoutWheelTest {

    private static final long MS = 1_000_000L;

    private final ManualTicker ticker = new ManualTicker();
    private final TimeoutWheel wheel = new TimeoutWheel(ticker, TimeoutWheel.clockOf(ticker));

    // ------------------------------------------------------------------ deadlines

    @ParameterizedTest(name = "delay {0} ns")
    @ValueSource(longs = {1, 999_999, 1_000_000, 1_500_000, 100_000_000, 4_095_000_000L, 4_096_000_000L,
            4_097_000_001L, 10_000_300_000L})
    void aTimeoutFiresAtItsDeadlineNeverBeforeAndAtMostATickAfter(long delay) {
        AtomicLong firedAt = new AtomicLong(-1);
        Timeout t = wheel.schedule(() -> firedAt.set(ticker.nanoTime()), delay);
        if (delay > wheel.tickNanos()) {
            wheel.schedule(() -> { }, delay - wheel.tickNanos()); // a tick just before the deadline
        }

        ticker.advance(delay - 1);
        assertThat(firedAt).as("fired early").hasValue(-1);
        assertThat(t.isPending()).isTrue();

        long step = 100_000;
        for (int i = 0; i < 30 && firedAt.get() < 0; i++) {
            ticker.advance(step);
        }
        assertThat(firedAt.get()).isBetween(delay, delay + wheel.tickNanos());
        assertThat(t.isExpired()).isTrue();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void aZeroOrNegativeDelayFiresAtTheNextTick() {
        AtomicInteger runs = new AtomicInteger();
        wheel.schedule(runs::incrementAndGet, 0);
        wheel.schedule(runs::incrementAndGet, -5);
        wheel.schedule(runs::incrementAndGet, Long.MIN_VALUE);
        ticker.advance(0); // tick 0 starts now
        assertThat(runs).hasValue(3);

        ticker.advance(MS / 2);
        wheel.schedule(runs::incrementAndGet, 0);
        ticker.advance(0);
        assertThat(runs).as("tick 0 is over; the next one starts at 1 ms").hasValue(3);
        ticker.advance(MS / 2);
        assertThat(runs).hasValue(4);
    }

    @Test
    void longDelaysTakeManyRoundsAndHugeOnesNeitherOverflowNorAskTheSchedulerForHugeDelays() {
        // 64 buckets of 1 ms: a revolution is 64 ms, so 1 s is ~15 rounds. The clock starts
        // 5 ms short of Long.MAX_VALUE and wraps during the test, as System.nanoTime may.
        TimeoutWheel small = new TimeoutWheel(ticker, () -> ticker.nanoTime() + (Long.MAX_VALUE - 5 * MS), MS, 64);
        AtomicLong longFiredAt = new AtomicLong(-1);
        AtomicInteger shortRuns = new AtomicInteger();
        AtomicInteger hugeRuns = new AtomicInteger();
        small.schedule(() -> longFiredAt.set(ticker.nanoTime()), 1_000 * MS + MS / 2);
        small.schedule(shortRuns::incrementAndGet, 3 * MS);
        small.schedule(hugeRuns::incrementAndGet, Long.MAX_VALUE);
        small.schedule(hugeRuns::incrementAndGet, Long.MAX_VALUE - 1);

        ticker.advance(1_000 * MS);
        assertThat(shortRuns).hasValue(1);
        assertThat(longFiredAt).hasValue(-1);
        ticker.advance(MS);
        assertThat(longFiredAt).hasValue(1_001 * MS);

        ticker.advance(Duration.ofMinutes(10).toNanos());
        assertThat(hugeRuns).hasValue(0);
        assertThat(ticker.maxDelay()).as("never more than a revolution").isLessThanOrEqualTo(65 * MS);
        assertThat(small.close()).hasSize(2);
    }

    @Test
    void aTickThatRunsLateCatchesUpOnEveryTimeoutDueMeanwhile() {
        // Timeouts spread over 3 revolutions, then the clock jumps past all of them at once:
        // one advance call, each tick task runs at its own time, and every timeout fires.
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 3 * TimeoutWheel.DEFAULT_BUCKETS; i += 7) {
            wheel.schedule(runs::incrementAndGet, i * MS + 1);
        }
        int expected = runs.get() + (3 * TimeoutWheel.DEFAULT_BUCKETS + 6) / 7;
        ticker.advance(3L * TimeoutWheel.DEFAULT_BUCKETS * MS + MS);
        assertThat(runs).hasValue(expected);
        assertThat(wheel.linked()).isZero();
    }

    // ------------------------------------------------------------------ cancel

    @Test
    void cancelDropsTheTaskAtOnceAndTheNodeAtTheNextTickWhereAnExecutorKeepsEveryCancelledTaskUntilItsDeadline()
            throws Exception {
        int requests = 1_000;
        // The original problem: an injected ScheduledThreadPoolExecutor (removeOnCancel off, the
        // default) keeps every cancelled task queued for its whole delay: with a 30 s timeout,
        // every answered request leaves a queue entry (and its handle) behind for 30 s.
        ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1);
        try {
            WeakReference<ScheduledFuture<?>> executorHandle = null;
            for (int i = 0; i < requests; i++) {
                executorHandle = scheduleAndCancelOnExecutor(stpe);
            }
            assertThat(stpe.getQueue()).hasSize(requests);
            assertThat(collected(executorHandle, 5)).as("the executor still holds its cancelled task").isFalse();
        } finally {
            stpe.shutdownNow();
        }

        // The wheel: the task (and what it captures) is released by cancel itself, before any
        // tick; the node by the sweep tick the cancels ask for; nothing per request is queued
        // on the scheduler.
        WeakReference<Object> payload = null;
        WeakReference<Timeout> node = null;
        for (int i = 0; i < requests; i++) {
            WeakReference<?>[] refs = scheduleAndCancelOnWheel(wheel);
            payload = cast(refs[0]);
            node = cast(refs[1]);
        }
        assertThat(collected(payload, 100)).as("cancel dropped the task").isTrue();
        assertThat(ticker.pending()).isLessThanOrEqualTo(2);
        ticker.advance(0); // the sweep tick
        assertThat(wheel.linked()).isZero();
        assertThat(collected(node, 100)).as("the sweep dropped the node").isTrue();
        assertThat(ticker.pending()).as("an empty wheel schedules nothing").isZero();
    }

    private static WeakReference<ScheduledFuture<?>> scheduleAndCancelOnExecutor(ScheduledThreadPoolExecutor stpe) {
        ScheduledFuture<?> f = stpe.schedule(capturing(new byte[64]), 30, TimeUnit.SECONDS);
        assertThat(f.cancel(false)).isTrue();
        return new WeakReference<>(f);
    }

    private static WeakReference<?>[] scheduleAndCancelOnWheel(TimeoutWheel wheel) {
        Object envelope = new byte[64];
        Timeout t = wheel.schedule(capturing(envelope), 30 * 1_000 * MS);
        assertThat(t.cancel()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        return new WeakReference<?>[] {new WeakReference<>(envelope), new WeakReference<>(t)};
    }

    @SuppressWarnings("unchecked")
    private static <T> WeakReference<T> cast(WeakReference<?> ref) {
        return (WeakReference<T>) ref;
    }

    private static Runnable capturing(Object o) {
        return () -> o.hashCode();
    }

    private static boolean collected(WeakReference<?> ref, int gcRounds) {
        AtomicInteger rounds = new AtomicInteger(); // polls until collected or gcRounds collections were tried
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    System.gc();
                    return ref.get() == null || rounds.incrementAndGet() >= gcRounds;
                });
        return ref.get() == null;
    }

    private static boolean allRan(AtomicIntegerArray runs, AtomicIntegerArray cancelled, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (cancelled.get(i) == 0 && runs.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void cancelledTimeoutsNeverRunAndASweepUnlinksThemLongBeforeTheirDeadline() {
        int n = 2 * TimeoutWheel.SWEEP_BATCH;
        AtomicInteger runs = new AtomicInteger();
        List<Timeout> all = new ArrayList<>();
        wheel.schedule(() -> { }, MS); // a tick at 1 ms moves the others from the inbox to the buckets
        for (int i = 0; i < n; i++) {
            all.add(wheel.schedule(runs::incrementAndGet, 50 * MS));
        }
        ticker.advance(MS);
        assertThat(wheel.linked()).isEqualTo(n);

        for (int i = 0; i < TimeoutWheel.SWEEP_BATCH + 10; i++) {
            assertThat(all.get(i).cancel()).isTrue();
            assertThat(all.get(i).cancel()).isFalse();
        }
        ticker.advance(MS); // the sweep the 256th cancel asked for
        assertThat(wheel.linked()).isEqualTo(n - TimeoutWheel.SWEEP_BATCH - 10);

        ticker.advance(50 * MS);
        assertThat(runs).hasValue(n - TimeoutWheel.SWEEP_BATCH - 10);
        assertThat(wheel.linked()).isZero();
    }

    @ParameterizedTest(name = "{0} ticker thread(s)")
    @ValueSource(ints = {1, 3})
    void concurrentSchedulesAndCancelsRunEveryUncancelledTimeoutExactlyOnceAndNoCancelledOne(int tickerThreads)
            throws Exception {
        ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(tickerThreads);
        stpe.setRemoveOnCancelPolicy(true);
        TimeoutWheel real = new TimeoutWheel(stpe, System::nanoTime);
        int threads = 4;
        int perThread = 5_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(threads * perThread);
        AtomicIntegerArray early = new AtomicIntegerArray(threads * perThread);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        try {
            for (int p = 0; p < threads; p++) {
                int base = p * perThread;
                producers.add(Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            int id = base + i;
                            long delay = rnd.nextLong(3 * MS);
                            long due = System.nanoTime() + delay;
                            Timeout t = real.schedule(() -> {
                                if (System.nanoTime() < due) {
                                    early.incrementAndGet(id);
                                }
                                runs.incrementAndGet(id);
                            }, delay);
                            if (rnd.nextBoolean() && t.cancel()) {
                                cancelled.set(id, 1);
                            }
                            if (i % 500 == 499) {
                                int upTo = id;
                                // let the wheel drain and go idle, often: wait until this thread's
                                // uncancelled timeouts so far have all run
                                await().atMost(Duration.ofSeconds(20))
                                        .until(() -> allRan(runs, cancelled, base, upTo));
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            start.countDown();
            for (Thread t : producers) {
                t.join(30_000);
                assertThat(t.isAlive()).isFalse();
            }
            int expected = 0;
            for (int i = 0; i < runs.length(); i++) {
                expected += 1 - cancelled.get(i);
            }
            int want = expected;
            await().atMost(Duration.ofSeconds(20)).until(() -> sum(runs) >= want);
            // nothing left in the buckets: no timeout can still run (twice, or late)
            await().atMost(Duration.ofSeconds(20)).until(() -> real.linked() == 0);
            for (int i = 0; i < runs.length(); i++) {
                assertThat(runs.get(i)).as("timeout %d, cancelled=%d", i, cancelled.get(i))
                        .isEqualTo(1 - cancelled.get(i));
                assertThat(early.get(i)).as("timeout %d fired before its deadline", i).isZero();
            }
            assertThat(real.close()).isEmpty();
        } finally {
            stpe.shutdownNow();
        }
    }

    @Test
    void aTimeoutPushedWhileATickIsFinishingIsNotLost() throws Exception {
        // Each round: 20,000 timeouts fall due at one instant, which then spends a while walking
        // them after it took the inbox. The tick's first clock read releases a burst of
        // zero-delay timeouts from another thread: they land in that window, see a tick
        // running, and schedule nothing. The ring is empty after that tick and nobody pushes
        // again, so only the tick's re-check of the inbox (the Dekker pair with schedule) makes
        // them fire.
        AtomicReference<Thread> tickerThread = new AtomicReference<>();
        ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wheel-test-ticker");
            t.setDaemon(true);
            tickerThread.set(t);
            return t;
        });
        AtomicReference<CountDownLatch> tickStarted = new AtomicReference<>();
        TimeoutWheel real = new TimeoutWheel(stpe, () -> {
            CountDownLatch l = tickStarted.get();
            if (l != null && Thread.currentThread() == tickerThread.get()) {
                l.countDown();
            }
            return System.nanoTime();
        });
        AtomicInteger runs = new AtomicInteger();
        try {
            int fired = 0;
            for (int round = 0; round < 15; round++) {
                CountDownLatch started = new CountDownLatch(1);
                tickStarted.set(started); // the ticker's next clock read is that tick's
                long due = System.nanoTime() + 100 * MS;
                for (int i = 0; i < 20_000; i++) {
                    real.schedule(() -> { }, due - System.nanoTime());
                }
                Thread burst = Thread.ofPlatform().start(() -> {
                    try {
                        started.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < 100; i++) {
                        real.schedule(runs::incrementAndGet, 0);
                    }
                });
                burst.join(10_000);
                assertThat(burst.isAlive()).isFalse();
                fired += 100;
                int want = fired;
                await().atMost(Duration.ofSeconds(5)).alias("round " + round + ": every zero-delay timeout ran")
                        .until(() -> runs.get() == want);
            }
        } finally {
            stpe.shutdownNow();
        }
    }

    private static int sum(AtomicIntegerArray a) {
        int s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void aThrowingTaskIsLoggedAndTheOthersStillRun() {
        AtomicInteger runs = new AtomicInteger();
        wheel.schedule(() -> {
            throw new IllegalStateException("expected by the test: a timeout task that throws");
        }, MS);
        wheel.schedule(runs::incrementAndGet, MS);
        wheel.schedule(() -> {
            throw new AssertionError("expected by the test: a timeout task that throws an Error");
        }, MS);
        wheel.schedule(runs::incrementAndGet, MS);
        wheel.schedule(runs::incrementAndGet, 2 * MS);
        ticker.advance(2 * MS);
        assertThat(runs).hasValue(3);

        wheel.schedule(runs::incrementAndGet, MS);
        ticker.advance(MS);
        assertThat(runs).as("the wheel still ticks").hasValue(4);
    }

    @Test
    void aTaskMayScheduleCancelAndCloseFromTheTickThread() {
        AtomicInteger runs = new AtomicInteger();
        Timeout victim = wheel.schedule(runs::incrementAndGet, 5 * MS);
        AtomicReference<List<Runnable>> closedWith = new AtomicReference<>();
        wheel.schedule(() -> {
            victim.cancel();
            wheel.schedule(() -> {
                runs.incrementAndGet();
                wheel.schedule(runs::incrementAndGet, 10 * MS);
                closedWith.set(wheel.close());
            }, MS);
        }, MS);
        ticker.advance(MS);
        assertThat(victim.isCancelled()).isTrue();
        ticker.advance(MS);
        assertThat(runs).hasValue(1);
        assertThat(closedWith.get()).hasSize(1);
        ticker.advance(20 * MS);
        assertThat(runs).hasValue(1);
    }

    // ------------------------------------------------------------------ ticking

    @Test
    void noTickIsScheduledWhileTheWheelIsEmptyAndALoneTimeoutWakesOncePerRevolution() {
        int anchor = ticker.scheduledCount(); // clockOf's anchor task
        assertThat(ticker.advance(Duration.ofHours(1).toNanos())).isZero();
        assertThat(ticker.scheduledCount()).isEqualTo(anchor);

        AtomicInteger runs = new AtomicInteger();
        wheel.schedule(runs::incrementAndGet, 10 * MS);
        assertThat(ticker.pending()).isEqualTo(1);
        ticker.advance(10 * MS);
        assertThat(runs).hasValue(1);
        assertThat(ticker.pending()).as("empty again: nothing scheduled").isZero();
        int afterFirst = ticker.scheduledCount();
        assertThat(ticker.advance(Duration.ofHours(1).toNanos())).isZero();
        assertThat(ticker.scheduledCount()).isEqualTo(afterFirst);

        // 30 s at 1 ms ticks: woken once per 4.096 s revolution, not 30,000 times.
        wheel.schedule(runs::incrementAndGet, 30_000 * MS);
        int ticks = 0;
        for (int i = 0; i < 40 && runs.get() < 2; i++) {
            ticks += ticker.advance(1_000 * MS);
        }
        assertThat(runs).hasValue(2);
        assertThat(ticks).isBetween(1, 30_000 / 4_096 + 2);
        assertThat(ticker.pending()).isZero();

        // A cancelled lone timeout: its wake runs once, finds nothing, and the wheel goes quiet.
        wheel.schedule(runs::incrementAndGet, 30_000 * MS).cancel();
        ticker.advance(5_000 * MS);
        assertThat(ticker.pending()).isZero();
        assertThat(wheel.linked()).isZero();
        assertThat(ticker.advance(Duration.ofHours(1).toNanos())).isZero();
        assertThat(runs).hasValue(2);
    }

    @Test
    void anEarlierTimeoutBringsTheWakeForwardAndTheLaterWakeIsCancelled() {
        AtomicInteger runs = new AtomicInteger();
        wheel.schedule(runs::incrementAndGet, 3_000 * MS);
        assertThat(ticker.pending()).isEqualTo(1);
        wheel.schedule(runs::incrementAndGet, 2 * MS);
        assertThat(ticker.pending()).as("the 3 s wake was replaced").isEqualTo(1);
        ticker.advance(2 * MS);
        assertThat(runs).hasValue(1);
        ticker.advance(2_998 * MS);
        assertThat(runs).hasValue(2);
    }

    // ------------------------------------------------------------------ close

    @Test
    void closeReturnsThePendingTasksUnrunStopsTickingAndRefusesNewTimeouts() {
        AtomicInteger runs = new AtomicInteger();
        Runnable fired = runs::incrementAndGet;
        Runnable a = runs::incrementAndGet;
        Runnable b = runs::incrementAndGet;
        Runnable e = runs::incrementAndGet;
        wheel.schedule(fired, MS);
        Timeout ta = wheel.schedule(a, 10 * MS);
        wheel.schedule(b, 5_000 * MS);
        wheel.schedule(runs::incrementAndGet, 10 * MS).cancel();
        ticker.advance(MS); // fired runs; a, b move into the buckets
        wheel.schedule(e, 5 * MS); // still in the inbox
        assertThat(runs).hasValue(1);

        assertThat(wheel.close()).containsExactlyInAnyOrder(a, b, e);
        assertThat(wheel.isClosed()).isTrue();
        assertThat(ta.isPending()).isFalse();
        assertThat(ta.cancel()).isFalse();
        assertThat(ticker.pending()).as("the wake was cancelled").isZero();
        assertThatThrownBy(() -> wheel.schedule(fired, MS)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
        ticker.advance(10_000 * MS);
        assertThat(runs).hasValue(1);
        assertThat(wheel.close()).isEmpty();
    }

    @Test
    void aShutDownTickerIsReportedEvenWhileAWakeIsQueued() {
        AtomicInteger runs = new AtomicInteger();
        wheel.schedule(runs::incrementAndGet, 10 * MS); // queues a wake at 10 ms
        ticker.shutdown();
        assertThatThrownBy(() -> wheel.schedule(runs::incrementAndGet, 20 * MS))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("shut down");
        assertThat(wheel.close()).hasSize(1);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aShutDownTickerIsReportedAndTheRefusedTaskNeverRuns() {
        AtomicInteger runs = new AtomicInteger();
        ticker.shutdown();
        assertThatThrownBy(() -> wheel.schedule(runs::incrementAndGet, MS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(wheel.close()).isEmpty();
        assertThat(runs).hasValue(0);
    }

    @Test
    void badArgumentsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> new TimeoutWheel(ticker, ticker::nanoTime, 0, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tickNanos").hasMessageContaining("0");
        assertThatThrownBy(() -> new TimeoutWheel(ticker, ticker::nanoTime, MS, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buckets").hasMessageContaining("100");
        assertThatThrownBy(() -> wheel.schedule(null, MS)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("task");
    }
}
