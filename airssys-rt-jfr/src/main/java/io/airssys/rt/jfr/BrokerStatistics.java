package io.airssys.rt.jfr;

import io.airssys.rt.Registration;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;
import jdk.jfr.FlightRecorder;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes a broker's counters as a periodic {@value FlightRecorderInstrumentation#BROKER_STATISTICS}
 * event while a recording enables it: every second by default, or at the event's
 * {@code period} setting.
 *
 * <pre>{@code
 * try (Registration stats = BrokerStatistics.record(system.broker(), "orders")) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Each call adds one periodic hook to the Flight Recorder; closing the returned registration
 * removes it. JFR runs the hook on its own thread, only while a recording has the event enabled,
 * so between recordings the broker is not even asked for its metrics. The event carries
 * {@link BrokerNode#metrics()} and the dead letter queue's {@code totalCount()}, read one after
 * the other (not one atomic snapshot). A closed broker writes nothing more.
 *
 * <p>This is separate from {@link FlightRecorderInstrumentation} because the broker is built
 * after its instrumentation; it works with or without one.
 */
public final class BrokerStatistics {

    private BrokerStatistics() {
    }

    /**
     * Records a broker's statistics under a generated name ({@code InMemoryMessageBroker@1b6d3586}).
     *
     * @param broker the broker
     * @return removes the periodic hook; closing twice does nothing
     */
    public static Registration record(BrokerNode broker) {
        Objects.requireNonNull(broker, "broker");
        return record(broker, broker.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(broker)));
    }

    /**
     * Records a broker's statistics under a name, the event's {@code broker} field, which tells
     * several brokers of one JVM apart.
     *
     * @param broker the broker
     * @param name   the name, not blank
     * @return removes the periodic hook; closing twice does nothing
     * @throws IllegalArgumentException if the name is blank
     */
    public static Registration record(BrokerNode broker, String name) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("the statistics of a broker need a non-blank name");
        }
        Runnable hook = () -> emit(broker, name);
        FlightRecorder.addPeriodicEvent(BrokerStatisticsEvent.class, hook);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                FlightRecorder.removePeriodicEvent(hook);
            }
        };
    }

    private static void emit(BrokerNode broker, String name) {
        if (broker.isClosed()) {
            return;
        }
        BrokerStatisticsEvent event = new BrokerStatisticsEvent();
        if (!event.shouldCommit()) {
            return;
        }
        BrokerMetrics m = broker.metrics();
        event.broker = name;
        event.registeredActors = m.registeredActors();
        event.sent = m.totalSent();
        event.delivered = m.totalDelivered();
        event.failed = m.totalFailed();
        event.inFlight = m.inFlight();
        event.deadLetters = broker.deadLetters().totalCount();
        event.avgRoutingLatency = m.avgRoutingLatencyNs();
        event.commit();
    }
}
