package io.airssys.rt.deadletter;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure is cheap (issue 10): offering a dead letter takes no lock, so a thread stalled
 * inside an offer (here: in the clock) never holds up another thread's offer; and the queue's
 * accounting stays exact when offers, evictions and drains race.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadLetterQueueLockFreeTest {

    record Ping(int n) implements Message<Integer> {
    }

    private static DeadLetter letter(int n, DeadLetterReason reason) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new DeadLetter(new Ping(n), new DeadLetter.ToActor(ActorId.of(n + 1L)), reason, Priority.NORMAL, t, t,
                "test " + n);
    }

    /** Stalls the thread named "stalled" inside {@code instant()} until released. */
    static final class StallingClock implements InstantSource {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Instant instant() {
            if (Thread.currentThread().getName().equals("stalled")) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Instant.parse("2026-01-01T00:00:00Z");
        }
    }

    @Test
    void anOfferStalledInsideTheQueueDoesNotHoldUpAnotherThreadsOffer() throws Exception {
        StallingClock clock = new StallingClock();
        DeadLetterQueue dlq = new DeadLetterQueue(4, clock, Duration.ofSeconds(10));
        Thread stalled = new Thread(() -> dlq.offer(letter(1, DeadLetterReason.MAILBOX_FULL)), "stalled");
        stalled.start();
        try {
            assertThat(clock.entered.await(20, TimeUnit.SECONDS)).isTrue();
            CountDownLatch done = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                dlq.offer(letter(2, DeadLetterReason.MAILBOX_FULL));
                done.countDown();
            }, "other");
            other.start();
            // with a lock around the offer, "other" waits for "stalled", which waits for us
            assertThat(done.await(5, TimeUnit.SECONDS)).as("second offer completed while the first stalled").isTrue();
        } finally {
            clock.release.countDown();
            stalled.join(20_000);
        }
        assertThat(dlq.totalCount()).isEqualTo(2);
        assertThat(dlq.size()).isEqualTo(2);
    }

    @Test
    void racingOffersEvictionsAndDrainsLoseAndDuplicateNothing() throws Exception {
        int capacity = 8;
        int threads = 4;
        int perThread = 20_000;
        DeadLetterQueue dlq = new DeadLetterQueue(capacity, InstantSource.system(), Duration.ofHours(1));
        AtomicLong drained = new AtomicLong();
        AtomicBoolean offering = new AtomicBoolean(true);
        AtomicReference<String> bound = new AtomicReference<>();
        Thread drainer = new Thread(() -> {
            for (int round = 0; offering.get() && round < 10_000_000; round++) {
                drained.addAndGet(dlq.drain().size());
                int size = dlq.size();
                if (size < 0 || size > capacity) {
                    bound.compareAndSet(null, "size() " + size + ", capacity " + capacity);
                }
            }
        });
        List<Thread> offerers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            offerers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    dlq.offer(letter(base + i, DeadLetterReason.values()[i % 3]));
                }
            }));
        }
        drainer.start();
        offerers.forEach(Thread::start);
        for (Thread t : offerers) {
            t.join(30_000);
        }
        offering.set(false);
        drainer.join(30_000);
        assertThat(bound.get()).as("size() within bounds while offering").isNull();
        long offered = (long) threads * perThread;
        int left = dlq.drain().size();
        assertThat(left).isLessThanOrEqualTo(capacity);
        assertThat(dlq.size()).isZero();
        assertThat(drained.get() + left + dlq.evictedCount()).isEqualTo(offered);
        assertThat(dlq.totalCount()).isEqualTo(offered);
        assertThat(dlq.countsByReason().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(offered);
    }

    @Test
    void quiescentQueueHoldsAtMostItsCapacityOldestEvictedFirst() throws Exception {
        DeadLetterQueue dlq = new DeadLetterQueue(16, InstantSource.system(), Duration.ofHours(1));
        List<Thread> offerers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 1_000;
            offerers.add(new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    dlq.offer(letter(base + i, DeadLetterReason.TIMED_OUT));
                }
            }));
        }
        offerers.forEach(Thread::start);
        for (Thread t : offerers) {
            t.join(30_000);
        }
        assertThat(dlq.size()).isEqualTo(16);
        assertThat(dlq.snapshot()).hasSize(16);
        assertThat(dlq.evictedCount()).isEqualTo(4_000 - 16);
        dlq.offer(letter(99_999, DeadLetterReason.CANCELLED));
        assertThat(dlq.snapshot()).hasSize(16).last().extracting(d -> ((Ping) d.message()).n()).isEqualTo(99_999);
    }
}
