package io.airssys.rt.micrometer;

import io.airssys.rt.instrument.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one (message type, actor group) pair: the queued timer, the processing timers
 * and the outcome counters. One instance per pair, cached by {@link MicrometerInstrumentation},
 * so a message costs array reads and no registry lookup.
 *
 * <p>Each meter is registered on its first use, so a pair that never fails shows no failure
 * series, and a pair whose messages never start (all dead-lettered) shows no timers.
 */
final class MessageMeters {

    /** Processing outcome as seen by {@code onProcessEnd}: the handler returned. */
    static final String SUCCESS = "success";
    /** Processing outcome as seen by {@code onProcessEnd}: the handler threw. */
    static final String FAILURE = "failure";

    private static final Outcome[] OUTCOMES = Outcome.values();

    final String type;
    final String group;
    /** {@code "send <type>"}, built once per pair rather than once per message. */
    final String sendName;
    /** {@code "process <type>"}. */
    final String processName;

    private final MeterRegistry registry;
    private final Tags tags;
    // NOTE: two threads may register the same meter at once (first use of a pair on two
    // threads); both get the one instance the registry holds (registration is idempotent per
    // name and tags), so whichever write wins, every record lands on that meter. The volatile
    // field and the AtomicReferenceArray publish the meter safely to readers on other threads.
    // Covered by MessageMetersTest.first_use_of_a_pair_on_many_threads_at_once_loses_no_count.
    private volatile Timer queued;
    /** Slot 0: success, slot 1: failure. */
    private final AtomicReferenceArray<Timer> processing = new AtomicReferenceArray<>(2);
    private final AtomicReferenceArray<Counter> outcomes = new AtomicReferenceArray<>(OUTCOMES.length);

    MessageMeters(MeterRegistry registry, String type, String group) {
        this.registry = registry;
        this.type = type;
        this.group = group;
        this.sendName = "send " + type;
        this.processName = "process " + type;
        this.tags = Tags.of(MicrometerInstrumentation.TAG_TYPE, type, MicrometerInstrumentation.TAG_GROUP, group);
    }

    void recordQueued(long nanos) {
        Timer timer = queued;
        if (timer == null) {
            timer = Timer.builder(MicrometerInstrumentation.QUEUED)
                    .description("Time a message waited in its actor's mailbox before its handler started")
                    .tags(tags)
                    .register(registry);
            queued = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void recordProcessing(long nanos, boolean failed) {
        int slot = failed ? 1 : 0;
        Timer timer = processing.get(slot);
        if (timer == null) {
            timer = Timer.builder(MicrometerInstrumentation.PROCESSING)
                    .description("Time an actor's handler ran for a message")
                    .tags(tags)
                    .tag(MicrometerInstrumentation.TAG_OUTCOME, failed ? FAILURE : SUCCESS)
                    .register(registry);
            processing.set(slot, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void countOutcome(Outcome outcome) {
        int slot = outcome.ordinal();
        Counter counter = outcomes.get(slot);
        if (counter == null) {
            counter = Counter.builder(MicrometerInstrumentation.OUTCOMES)
                    .description("Messages by how they ended: processed (replied, handler_failed, abandoned)"
                            + " or dead-lettered (the reason)")
                    .tags(tags)
                    .tag(MicrometerInstrumentation.TAG_OUTCOME, outcome.tag())
                    .register(registry);
            outcomes.set(slot, counter);
        }
        counter.increment();
    }
}
