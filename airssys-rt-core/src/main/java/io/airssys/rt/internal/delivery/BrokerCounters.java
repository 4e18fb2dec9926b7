package io.airssys.rt.internal.delivery;

import io.airssys.rt.broker.BrokerMetrics;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's message counters. {@link LongAdder}s stripe under contention, so senders on
 * different threads do not fight over one cache line.
 *
 * <p>Routing latency is measured on the first {@value #WARM_UP} sends, then sampled on one send in {@value #SAMPLE_EVERY}: two
 * {@code System.nanoTime()} calls on every send would cost more than the routing itself.
 */
public final class BrokerCounters {

    /** One send in this many is timed. Must be a power of two. */
    static final int SAMPLE_EVERY = 64;

    /** Sends timed unconditionally at first. */
    static final int WARM_UP = 64;

    private final LongAdder sent = new LongAdder();
    private int warmUpSamples; // racy on purpose: a hint, not a count
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder routingNanos = new LongAdder();
    private final LongAdder routingSamples = new LongAdder();

    /** Counts {@code n} messages addressed to actors. */
    public void sent(int n) {
        sent.add(n);
    }

    /** Counts one message processed and answered. */
    public void delivered() {
        delivered.increment();
    }

    /** Counts one message whose sender got an error. */
    public void failed() {
        failed.increment();
    }

    /** Moves one message counted as delivered to failed: its sender had already seen an error. */
    public void deliveredBecameFailed() {
        failed.increment();
        delivered.decrement();
    }

    /**
     * Returns a start time if this send is sampled, else 0.
     *
     * @return {@code System.nanoTime()} or 0
     */
    public long sampleStart() {
        // The first sends are always timed so that a short run still reports a figure; the
        // racy increment may time a few more than WARM_UP, which is harmless.
        if (warmUpSamples < WARM_UP) {
            warmUpSamples++;
            return System.nanoTime();
        }
        return (ThreadLocalRandom.current().nextInt() & (SAMPLE_EVERY - 1)) == 0 ? System.nanoTime() : 0L;
    }

    /**
     * Records a sampled routing time if {@code start} came from a sampled send.
     *
     * @param start the value {@link #sampleStart()} returned
     */
    public void sampleEnd(long start) {
        if (start != 0L) {
            routingNanos.add(System.nanoTime() - start);
            routingSamples.increment();
        }
    }

    /**
     * Takes a snapshot.
     *
     * @param registered the number of registered actors
     * @return the metrics
     */
    public BrokerMetrics snapshot(int registered) {
        // NOTE: outcomes are read before sends. A message's sent increment happens-before its
        // outcome increment, so whatever outcome this read sees, the later read of sent sees its
        // send too: a snapshot never shows more outcomes than sends (BrokerMetricsTest).
        long d = delivered.sum();
        long f = failed.sum();
        long s = sent.sum();
        long samples = routingSamples.sum();
        long avg = samples == 0 ? 0 : routingNanos.sum() / samples;
        return new BrokerMetrics(registered, s, d, f, avg);
    }
}
