package io.airssys.rt.jfr;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.instrument.Outcome;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.airssys.rt.jfr.FlightRecorderInstrumentation.ACTOR_REGISTERED;
import static io.airssys.rt.jfr.FlightRecorderInstrumentation.DELIVERY_FAILURE;
import static io.airssys.rt.jfr.FlightRecorderInstrumentation.SLOW_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hooks called directly, as the broker calls them, where a test needs to choose the
 * processing time: the builder's threshold, JFR's threshold setting, and the disabled path.
 * {@link FlightRecorderInstrumentationTest} covers the same events end to end through a broker.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InstrumentationHooksTest {

    record Quick() implements Message<Void> {
    }

    record Sluggish() implements Message<Void> {
    }

    record Marker() implements Message<Void> {
    }

    private static final ActorId ACTOR = ActorId.of(7);

    /** Runs one message through the process hooks; the handler takes {@code handlerNanos} of real time. */
    private static void process(FlightRecorderInstrumentation inst, Object message, long handlerNanos,
                                long reportedNanos) {
        Object token = inst.onProcessStart(ACTOR, message, null, 0);
        spin(handlerNanos);
        inst.onProcessEnd(ACTOR, message, token, reportedNanos, null);
    }

    /** Parks for at least {@code nanos} of real time (bounded: the loop ends once it has passed). */
    private static void spin(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Test
    void withoutARecordingAMessageGetsNoEventAndNoToken() {
        FlightRecorderInstrumentation inst = FlightRecorderInstrumentation.create();
        // no recording runs in this JVM between tests: the start hook allocates nothing
        assertThat(SlowMessageEvent.enabled()).isFalse();
        assertThat(inst.onProcessStart(ACTOR, new Quick(), null, 5)).isNull();
        inst.onProcessEnd(ACTOR, new Quick(), null, 1, null);
        inst.onOutcome(new Quick(), null, Outcome.MAILBOX_FULL, new IllegalStateException("full"));
        inst.onRegister(ACTOR);
        inst.onUnregister(ACTOR);
    }

    @Test
    void aRecordingThatDisablesTheEventGetsNoToken() {
        try (Recorder recorder = new Recorder()) {
            recorder.enable(ACTOR_REGISTERED);
            recorder.disable(SLOW_MESSAGE);
            recorder.start();
            assertThat(FlightRecorderInstrumentation.create().onProcessStart(ACTOR, new Quick(), null, 5)).isNull();
        }
    }

    @Test
    void aRecordingCanLowerTheThresholdBelowTheDefault() {
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE).withThreshold(Duration.ZERO);
            recorder.start();
            process(FlightRecorderInstrumentation.create(), new Quick(), 0, 1_000);

            RecordedEvent e = recorder.awaitEvent(SLOW_MESSAGE, ev -> true);
            assertThat(e.getClass("messageType").getName()).isEqualTo(Quick.class.getName());
        }
    }

    @Test
    void theBuildersThresholdIsAFloorNoRecordingGoesBelow() {
        FlightRecorderInstrumentation floored = FlightRecorderInstrumentation.builder()
                .slowMessageThreshold(Duration.ofMillis(20))
                .build();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE).withThreshold(Duration.ZERO);
            recorder.start();
            process(floored, new Quick(), 0, Duration.ofMillis(19).toNanos());    // under the floor
            process(floored, new Sluggish(), 0, Duration.ofMillis(20).toNanos()); // at the floor
            process(FlightRecorderInstrumentation.create(), new Marker(), 0, 0);   // then one without a floor

            recorder.awaitEvent(SLOW_MESSAGE, ev -> ev.getClass("messageType").getName().equals(Marker.class.getName()));
            assertThat(recorder.named(SLOW_MESSAGE)).extracting(ev -> ev.getClass("messageType").getName())
                    .containsExactly(Sluggish.class.getName(), Marker.class.getName());
        }
    }

    @Test
    void theDefaultThresholdKeepsAFastMessageOutAndASlowOneIn() {
        FlightRecorderInstrumentation inst = FlightRecorderInstrumentation.create();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE); // the annotation's threshold: 10 ms
            recorder.start();
            for (int i = 0; i < 100; i++) {
                process(inst, new Quick(), 0, 1_000);
            }
            process(inst, new Sluggish(), Duration.ofMillis(15).toNanos(), Duration.ofMillis(15).toNanos());

            RecordedEvent slow = recorder.awaitEvent(SLOW_MESSAGE, ev -> true);
            assertThat(slow.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(10));
            assertThat(recorder.named(SLOW_MESSAGE)).extracting(ev -> ev.getClass("messageType").getName())
                    .containsExactly(Sluggish.class.getName());
        }
    }

    @Test
    void aReplyWritesNoDeliveryFailure() {
        FlightRecorderInstrumentation inst = FlightRecorderInstrumentation.create();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(DELIVERY_FAILURE);
            recorder.start();
            inst.onOutcome(new Quick(), null, Outcome.REPLIED, null);
            inst.onOutcome(new Marker(), null, Outcome.TIMED_OUT, null);

            RecordedEvent e = recorder.awaitEvent(DELIVERY_FAILURE, ev -> true);
            assertThat(recorder.named(DELIVERY_FAILURE)).hasSize(1);
            assertThat(e.getString("outcome")).isEqualTo("timed_out");
            assertThat(e.getBoolean("processed")).isFalse();
            assertThat(e.getClass("messageType").getName()).isEqualTo(Marker.class.getName());
            assertThat(e.getClass("errorType")).isNull();
            assertThat(e.getString("error")).isNull();
        }
    }

    @Test
    void theBuilderRefusesANegativeThresholdAndASecondOne() {
        assertThatThrownBy(() -> FlightRecorderInstrumentation.builder().slowMessageThreshold(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slowMessageThreshold");
        assertThatThrownBy(() -> FlightRecorderInstrumentation.builder()
                .slowMessageThreshold(Duration.ZERO).slowMessageThreshold(Duration.ofMillis(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already set");
        assertThat(FlightRecorderInstrumentation.create().slowMessageThreshold()).isEqualTo(Duration.ZERO);
        assertThat(FlightRecorderInstrumentation.builder().slowMessageThreshold(Duration.ofDays(365 * 1000)).build()
                .slowMessageThreshold()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }
}
