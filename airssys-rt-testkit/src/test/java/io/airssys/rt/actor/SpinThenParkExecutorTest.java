package io.airssys.rt.actor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SpinThenParkExecutor}: a task is either rejected or run, an idle executor's workers
 * park without periodic wake-ups, and one task wakes one worker (issue 8, items 6 and 16).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpinThenParkExecutorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final AtomicInteger EXECUTORS = new AtomicInteger();

    private static String uniqueName() {
        return "spin-then-park-test-" + EXECUTORS.incrementAndGet() + "-";
    }

    private static List<Thread> workersNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }

    /**
     * Submitters race {@code shutdown()} in many short rounds. Before the fix, {@code execute}
     * checked the flag and then offered: a worker that saw the flag and an empty queue in
     * between had already exited, and the accepted task never ran.
     */
    @Test
    void everyAcceptedTaskRunsEvenWhenExecuteRacesShutdown() throws Exception {
        long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int rounds = 0;
        long lost = 0;
        while (rounds < 3_000 && System.nanoTime() - stopAt < 0) {
            rounds++;
            Duration spin = rounds % 2 == 0 ? Duration.ZERO : Duration.ofNanos(20_000);
            SpinThenParkExecutor executor = new SpinThenParkExecutor(1 + rounds % 2, spin, uniqueName());
            AtomicLong accepted = new AtomicLong();
            AtomicLong ran = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] submitters = new Thread[3];
            for (int i = 0; i < submitters.length; i++) {
                submitters[i] = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int n = 0; n < 100_000; n++) {
                            executor.execute(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        }
                    } catch (RejectedExecutionException expected) {
                        // shut down: this task was not accepted
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            start.countDown();
            int pause = ThreadLocalRandom.current().nextInt(2_000);
            for (int i = 0; i < pause; i++) {
                Thread.onSpinWait();
            }
            executor.shutdown();
            for (Thread t : submitters) {
                t.join(PATIENCE.toMillis());
            }
            assertThat(executor.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            lost += accepted.get() - ran.get();
        }
        assertThat(lost).as("accepted tasks that never ran, over %d rounds", rounds).isZero();
    }

    @Test
    void anIdleExecutorsWorkersParkUntilATaskArrives() throws Exception {
        String name = uniqueName();
        SpinThenParkExecutor executor = new SpinThenParkExecutor(2, Duration.ofNanos(50_000), name);
        try {
            CountDownLatch ran = new CountDownLatch(1);
            executor.execute(ran::countDown);
            assertThat(ran.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            List<Thread> workers = workersNamed(name);
            assertThat(workers).hasSize(2);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(workers)
                    .allMatch(t -> t.getState() == Thread.State.WAITING && LockSupport.getBlocker(t) == executor));
            // WAITING (not TIMED_WAITING) is the proof: an untimed park has no periodic wake-up

            CountDownLatch again = new CountDownLatch(1);
            executor.execute(again::countDown);
            assertThat(again.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("a parked executor still runs tasks")
                    .isTrue();
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void oneTaskWakesOneParkedWorker() throws Exception {
        String name = uniqueName();
        SpinThenParkExecutor executor = new SpinThenParkExecutor(3, Duration.ZERO, name);
        try {
            List<Thread> workers = workersNamed(name);
            assertThat(workers).hasSize(3);
            await().atMost(PATIENCE).until(() -> workers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            long before = executor.wakeUps();

            CountDownLatch ran = new CountDownLatch(1);
            executor.execute(ran::countDown);
            assertThat(ran.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            assertThat(executor.wakeUps() - before).as("workers woken for one task").isEqualTo(1);
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void shutdownNowReturnsTheTasksItDidNotRunAndTheRestRan() throws Exception {
        SpinThenParkExecutor executor = new SpinThenParkExecutor(1, Duration.ZERO, uniqueName());
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            blocking.countDown();
            try {
                release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocking.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            executor.execute(ran::incrementAndGet);
        }
        List<Runnable> left = executor.shutdownNow();
        release.countDown();
        assertThat(executor.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(left.size() + ran.get()).isEqualTo(10);
        assertThat(left).hasSize(10); // the worker was busy with the first task until after shutdownNow
    }
}
