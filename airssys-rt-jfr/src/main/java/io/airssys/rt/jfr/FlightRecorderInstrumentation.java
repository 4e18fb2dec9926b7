package io.airssys.rt.jfr;

import io.airssys.rt.ActorId;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;

import java.time.Duration;
import java.util.Objects;

/**
 * Records the broker's messages and actors as JDK Flight Recorder events. Install it on the
 * broker's builder:
 *
 * <pre>{@code
 * InMemoryMessageBroker broker = InMemoryMessageBroker.builder()
 *         .instrumentation(FlightRecorderInstrumentation.create())
 *         .build();
 * }</pre>
 *
 * <h2>Events</h2>
 * <ul>
 *   <li>{@value #SLOW_MESSAGE}: a duration event from a handler's start to its end, written
 *       when it lasted at least the event's JFR threshold (default 10 ms) and at least this
 *       instrumentation's {@linkplain Builder#slowMessageThreshold own threshold}; fields: actor,
 *       message type, time queued, whether the handler failed and with what.</li>
 *   <li>{@value #DELIVERY_FAILURE}: an instant event for every outcome other than
 *       {@link Outcome#REPLIED}; fields: outcome tag, whether the handler ran, message type, the
 *       error's type and message.</li>
 *   <li>{@value #ACTOR_REGISTERED} and {@value #ACTOR_UNREGISTERED}: the actor's id.</li>
 *   <li>{@value #BROKER_STATISTICS}: a periodic event written by {@link BrokerStatistics}, not by
 *       this class (it needs the broker, which is built after its instrumentation).</li>
 * </ul>
 * All are in category {@code airssys-rt}, without stack traces, and enabled by default in any
 * recording; {@code docs/jfr.md} shows how to record and tune them.
 *
 * <h2>Cost</h2>
 * With no recording running, or with the event disabled, a message costs one check of the
 * event type's state at its start and one {@code instanceof} at its end; a reply costs one
 * comparison. With {@value #SLOW_MESSAGE} enabled, each message allocates one small event
 * object and reads the clock twice; a message under the threshold builds no string and writes
 * nothing. Fields are filled only once JFR said it will write the event.
 *
 * <p>The send hook is not used: sends cost nothing here. The instance is stateless after
 * construction and safe to share between brokers.
 */
public final class FlightRecorderInstrumentation implements Instrumentation {

    /** Event name of a slow handler (a duration event, threshold 10 ms by default). */
    public static final String SLOW_MESSAGE = "io.airssys.rt.SlowMessage";
    /** Event name of a message that did not end in a reply. */
    public static final String DELIVERY_FAILURE = "io.airssys.rt.DeliveryFailure";
    /** Event name of an actor registered with the broker. */
    public static final String ACTOR_REGISTERED = "io.airssys.rt.ActorRegistered";
    /** Event name of an actor that left the broker. */
    public static final String ACTOR_UNREGISTERED = "io.airssys.rt.ActorUnregistered";
    /** Event name of the periodic broker statistics ({@link BrokerStatistics}). */
    public static final String BROKER_STATISTICS = "io.airssys.rt.BrokerStatistics";

    /** The JFR threshold of {@value #SLOW_MESSAGE} when no recording setting overrides it. */
    public static final Duration DEFAULT_SLOW_MESSAGE_THRESHOLD = Duration.ofMillis(10);

    private final long slowMessageThresholdNanos;

    private FlightRecorderInstrumentation(Builder b) {
        Duration t = b.slowMessageThreshold;
        // a threshold beyond Long.MAX_VALUE ns (292 years) means never
        this.slowMessageThresholdNanos = t == null ? 0
                : t.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : t.toNanos();
    }

    /**
     * Creates an instrumentation with the defaults: slow messages are those at or above the JFR
     * threshold of {@value #SLOW_MESSAGE} (10 ms unless a recording sets another).
     *
     * @return a new instrumentation
     */
    public static FlightRecorderInstrumentation create() {
        return builder().build();
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns this instrumentation's own slow-message threshold.
     *
     * @return the threshold set on the builder, or {@link Duration#ZERO} when only the JFR
     *         threshold applies
     */
    public Duration slowMessageThreshold() {
        return Duration.ofNanos(slowMessageThresholdNanos);
    }

    /**
     * Begins a {@value #SLOW_MESSAGE} event when the event type is enabled.
     *
     * @return the begun event as the process token, or {@code null} when disabled
     */
    @Override
    public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
        // NOTE: the event type may be enabled or disabled by another thread at any moment (a
        // recording starts or stops). Enabled after this check: the message is not recorded, as
        // if it had started before the recording. Disabled after it: shouldCommit() below says
        // no. Either way at most one event, never a half-filled one.
        if (!SlowMessageEvent.enabled()) {
            return null;
        }
        SlowMessageEvent event = new SlowMessageEvent();
        event.queued = queuedNanos;
        event.begin();
        return event;
    }

    /** Ends the event begun at the start and writes it if the handler was slow. */
    @Override
    public void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                             Throwable failure) {
        if (processToken instanceof SlowMessageEvent event) {
            event.end();
            if (processingNanos >= slowMessageThresholdNanos && event.shouldCommit()) {
                event.actor = actor.toString();
                event.messageType = message.getClass();
                event.failed = failure != null;
                event.failureType = failure == null ? null : failure.getClass();
                event.commit();
            }
        }
    }

    /** Writes a {@value #DELIVERY_FAILURE} event for every outcome but {@link Outcome#REPLIED}. */
    @Override
    public void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
        if (outcome == Outcome.REPLIED) {
            return;
        }
        DeliveryFailureEvent event = new DeliveryFailureEvent();
        if (event.shouldCommit()) {
            event.outcome = outcome.tag();
            event.processed = outcome.processed();
            event.messageType = message == null ? null : message.getClass();
            event.errorType = error == null ? null : error.getClass();
            event.error = error == null ? null : error.getMessage();
            event.commit();
        }
    }

    /** Writes an {@value #ACTOR_REGISTERED} event. */
    @Override
    public void onRegister(ActorId actor) {
        ActorRegisteredEvent event = new ActorRegisteredEvent();
        if (event.shouldCommit()) {
            event.actor = actor.toString();
            event.commit();
        }
    }

    /** Writes an {@value #ACTOR_UNREGISTERED} event. */
    @Override
    public void onUnregister(ActorId actor) {
        ActorUnregisteredEvent event = new ActorUnregisteredEvent();
        if (event.shouldCommit()) {
            event.actor = actor.toString();
            event.commit();
        }
    }

    @Override
    public String toString() {
        return "FlightRecorderInstrumentation[slowMessageThreshold=" + slowMessageThreshold() + "]";
    }

    /** Configures a {@link FlightRecorderInstrumentation}; each option may be set once. */
    public static final class Builder {

        private Duration slowMessageThreshold;

        private Builder() {
        }

        /**
         * Sets this instrumentation's own slow-message threshold: a handler that ran less is
         * never recorded as slow, whatever the recording's settings. JFR's threshold of
         * {@value #SLOW_MESSAGE} (default 10 ms, set per recording with
         * {@code io.airssys.rt.SlowMessage#threshold}) applies too, so a message is recorded
         * when it reaches both. Not set, only JFR's threshold applies, which is how a recording
         * lowers it below 10 ms; set it to keep every recording above a floor.
         *
         * @param threshold zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         * @throws IllegalStateException    if already set
         */
        public Builder slowMessageThreshold(Duration threshold) {
            Objects.requireNonNull(threshold, "threshold");
            if (threshold.isNegative()) {
                throw new IllegalArgumentException("slowMessageThreshold must not be negative: " + threshold);
            }
            if (slowMessageThreshold != null) {
                throw new IllegalStateException("slowMessageThreshold already set to " + slowMessageThreshold);
            }
            this.slowMessageThreshold = threshold;
            return this;
        }

        /**
         * Builds the instrumentation.
         *
         * @return a new instrumentation
         */
        public FlightRecorderInstrumentation build() {
            return new FlightRecorderInstrumentation(this);
        }
    }
}
