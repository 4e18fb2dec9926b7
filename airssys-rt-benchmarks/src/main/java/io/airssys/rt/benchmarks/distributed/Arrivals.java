package io.airssys.rt.benchmarks.distributed;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts messages where they are processed (an actor, or a raw subscriber), so a batch is
 * measured until its last message has arrived, the same way on both sides of a comparison.
 */
final class Arrivals {

    /** How long a batch may take before the benchmark fails instead of waiting forever. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final AtomicLong count = new AtomicLong();

    /** One more arrived. */
    void add() {
        count.incrementAndGet();
    }

    /** How many arrived so far. */
    long count() {
        return count.get();
    }

    /**
     * Waits until at least {@code expected} have arrived, polling every 10 µs (a batch takes
     * milliseconds).
     *
     * @throws IllegalStateException if they have not within 30 s (a message was lost)
     */
    void awaitAtLeast(long expected) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (count.get() < expected) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("only " + count.get() + " of " + expected + " messages arrived within "
                        + PATIENCE.toSeconds() + " s: some were lost (a slow consumer, or a full mailbox)");
            }
            LockSupport.parkNanos(10_000);
        }
    }
}
