package io.airssys.rt.internal.delivery;

import io.airssys.rt.Message;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Instrumentation;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the outcome of every message is recorded: the broker's counters and, for messages
 * that were not delivered, its dead letter queue.
 *
 * <p>The counters are {@link LongAdder}s, which stripe under contention, so senders on
 * different threads do not fight over one cache line. Fire-and-forget deliveries are added
 * once per actor run, not per message ({@link #delivered(int)}): {@code totalDelivered} is
 * exact once runs have ended, and a run adds what it counted before it handles a request. Routing latency is measured on the
 * first {@value #WARM_UP} sends, then sampled on one send in {@value #SAMPLE_EVERY}: two
 * {@code System.nanoTime()} calls on every send would cost more than the routing itself.
 *
 * <p>The reported latency is the mean of the last {@value #ROUTING_WINDOW} samples, kept in a
 * ring, not a lifetime mean: a lifetime mean is dominated by start-up (the first send starts
 * the timer thread and took 12.6 ms, against microseconds after), and never recovers. Once
 * {@value #ROUTING_WINDOW} later samples have come, a slow one has left the mean. Recording a
 * sample costs what it did (one atomic increment and one store instead of two adds), and only
 * sampled sends pay it.
 *
 * <p>It also holds the broker's {@link Instrumentation}, guarded, or {@code null} when none is
 * installed: every place that retires a message already has this object at hand, so the outcome
 * hook is reported where the counters move, and the hot path pays one {@code null} check.
 */
public final class Outcomes {

    /** One send in this many is timed after the warm-up. Must be a power of two. */
    static final int SAMPLE_EVERY = 64;
    /** Sends timed unconditionally at first, so a short run still reports a figure. */
    static final int WARM_UP = 64;
    /** How many recent samples the reported mean covers. Must be a power of two. */
    public static final int ROUTING_WINDOW = 64;

    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** The last {@value #ROUTING_WINDOW} samples; slot {@code i & (ROUTING_WINDOW - 1)} holds sample {@code i}. */
    private final AtomicLongArray routingWindow = new AtomicLongArray(ROUTING_WINDOW);
    /** Samples recorded so far; the next one goes to this slot (mod the window). */
    private final AtomicLong routingSamples = new AtomicLong();
    private int warmUpSamples; // racy on purpose: a hint, not a count
    private volatile DeadLetterQueue deadLetters;
    /** The installed instrumentation behind its guard, or {@code null}. */
    private final Instrumentation hooks;

    /**
     * Creates the outcomes of one broker without instrumentation.
     *
     * @param deadLetters where undelivered messages go
     */
    public Outcomes(DeadLetterQueue deadLetters) {
        this(deadLetters, null);
    }

    /**
     * Creates the outcomes of one broker.
     *
     * @param deadLetters     where undelivered messages go
     * @param instrumentation the hooks to call, or {@code null} for none
     */
    public Outcomes(DeadLetterQueue deadLetters, Instrumentation instrumentation) {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.hooks = instrumentation == null ? null : new InstrumentationGuard(instrumentation);
    }

    /**
     * Returns the instrumentation to call, guarded (a hook that throws is logged and ignored).
     *
     * @return the hooks, or {@code null} when none is installed (check before building arguments)
     */
    public Instrumentation hooks() {
        return hooks;
    }

    /**
     * Returns the dead letter queue.
     *
     * @return the queue in use
     */
    public DeadLetterQueue deadLetters() {
        return deadLetters;
    }

    /**
     * Replaces the dead letter queue; dead letters from now on go to {@code queue}.
     *
     * @param queue the new queue
     */
    public void deadLetters(DeadLetterQueue queue) {
        this.deadLetters = Objects.requireNonNull(queue, "deadLetterQueue");
    }

    /** Counts {@code n} messages addressed to actors (or to a topic nobody subscribes to). */
    public void sent(int n) {
        sent.add(n);
    }

    /** Counts one message processed and answered. */
    public void delivered() {
        delivered.increment();
    }

    /**
     * Counts {@code n} fire-and-forget messages processed by one run of one actor: a run counts
     * them locally and adds them here once (see MailboxRunner), so a message costs no shared
     * write.
     *
     * @param n messages, at least 1
     */
    void delivered(int n) {
        delivered.add(n);
    }

    /** Counts one message whose handler failed (threw, or its later reply failed). */
    public void failed() {
        failed.increment();
    }

    /** Moves one message counted as delivered to failed: its sender had already seen an error. */
    public void deliveredBecameFailed() {
        failed.increment();
        delivered.decrement();
    }

    /**
     * Counts a message that was not delivered and dead-letters it.
     *
     * @param message    the message
     * @param priority   its priority ordinal
     * @param sentNanos  {@code System.nanoTime()} when it was sent, or {@code Envelope.UNSTAMPED}
     * @param target     where it was going
     * @param reason     why it was not delivered
     * @param detail     the error its sender saw
     */
    public void undelivered(Object message, int priority, long sentNanos, DeadLetter.Target target,
                            DeadLetterReason reason, String detail) {
        failed.increment();
        DeadLetterQueue dlq = deadLetters;
        Instant now = dlq.now();
        // a fire-and-forget message reads no clock when sent: its letter is stamped when it dies
        Instant sentAt = sentNanos == Envelope.UNSTAMPED ? now : now.minusNanos(Math.max(0, System.nanoTime() - sentNanos));
        dlq.offer(new DeadLetter((Message<?>) message, target, reason, Envelope.PRIORITIES[priority], sentAt, now,
                detail == null ? reason.name() : detail));
    }

    /**
     * Returns a start time if this send is timed, else 0.
     *
     * @return {@code System.nanoTime()} or 0
     */
    public long sampleStart() {
        if (warmUpSamples < WARM_UP) {
            warmUpSamples++;
            return System.nanoTime();
        }
        return (ThreadLocalRandom.current().nextInt() & (SAMPLE_EVERY - 1)) == 0 ? System.nanoTime() : 0L;
    }

    /**
     * Records a routing time if {@code start} came from a timed send.
     *
     * @param start the value {@link #sampleStart()} returned
     */
    public void sampleEnd(long start) {
        if (start != 0L) {
            long nanos = System.nanoTime() - start;
            long i = routingSamples.getAndIncrement();
            // NOTE: the slot is claimed before it is written, so a snapshot racing this store may
            // read the slot's previous sample (or 0 in the first round) for it. The figure is a
            // sampled mean, not a count; one stale slot in a window is within its meaning.
            // Covered (single-threaded) by RoutingLatencyWindowTest.
            routingWindow.setRelease((int) (i & (ROUTING_WINDOW - 1)), Math.max(0L, nanos));
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
        // send too: a snapshot never shows more outcomes than sends.
        long d = delivered.sum();
        long f = failed.sum();
        long s = sent.sum();
        long avg = routingMeanNanos();
        return new BrokerMetrics(registered, s, d, f, avg);
    }

    /** Returns the mean of the samples in the window, or 0 before the first. */
    private long routingMeanNanos() {
        int n = (int) Math.min(routingSamples.get(), ROUTING_WINDOW);
        if (n == 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += routingWindow.getAcquire(i);
        }
        return sum / n;
    }
}
