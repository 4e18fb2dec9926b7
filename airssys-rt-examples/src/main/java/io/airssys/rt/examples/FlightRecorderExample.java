package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Registration;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.jfr.BrokerStatistics;
import io.airssys.rt.jfr.FlightRecorderInstrumentation;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * JDK Flight Recorder (module {@code airssys-rt-jfr}): a handler slower than the threshold
 * (10 ms by default) leaves a {@code SlowMessage} event, a send to nobody a
 * {@code DeliveryFailure}, and the broker's counters arrive as a periodic
 * {@code BrokerStatistics} event. Fast messages leave nothing. In production you would record with
 * {@code -XX:StartFlightRecording} or {@code jcmd <pid> JFR.start}; here a
 * {@link RecordingStream} watches the events as they are committed.
 */
public final class FlightRecorderExample {

    /** Resizes an image: slow on purpose. */
    record Resize(int width) implements Message<Integer> {
    }

    /** Checks a thumbnail: fast. */
    record Check(int width) implements Message<Boolean> {
    }

    private FlightRecorderExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     * @throws InterruptedException if interrupted while waiting for the events
     */
    public static void run(PrintStream out) throws InterruptedException {
        Queue<RecordedEvent> seen = new ConcurrentLinkedQueue<>();
        CountDownLatch slowAndFailed = new CountDownLatch(2);
        CountDownLatch statistics = new CountDownLatch(1);
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder()
                .instrumentation(FlightRecorderInstrumentation.create()).build();
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable(FlightRecorderInstrumentation.SLOW_MESSAGE).withThreshold(Duration.ofMillis(10));
            stream.enable(FlightRecorderInstrumentation.DELIVERY_FAILURE);
            stream.enable(FlightRecorderInstrumentation.BROKER_STATISTICS).withPeriod(Duration.ofMillis(100));
            Consumer<RecordedEvent> slowOrFailed = e -> {
                seen.add(e);
                slowAndFailed.countDown();
            };
            stream.onEvent(FlightRecorderInstrumentation.SLOW_MESSAGE, slowOrFailed);
            stream.onEvent(FlightRecorderInstrumentation.DELIVERY_FAILURE, slowOrFailed);
            stream.onEvent(FlightRecorderInstrumentation.BROKER_STATISTICS, e -> {
                if (e.getLong("delivered") >= 101) {
                    seen.add(e);
                    statistics.countDown();
                }
            });
            stream.startAsync();
            Registration stats = BrokerStatistics.record(broker, "images"); // the periodic event, until removed
            try (ActorSystem system = ActorSystem.builder().broker(broker).build()) {
                ActorId images = system.spawn(Behaviors.receive()
                        .on(Resize.class, r -> {
                            LockSupport.parkNanos(Duration.ofMillis(25).toNanos()); // a slow handler
                            return r.width() / 2;
                        })
                        .on(Check.class, c -> c.width() > 0)
                        .build()).id();
                for (int i = 0; i < 100; i++) {
                    broker.send(images, new Check(i)).join(); // fast: no event
                }
                out.println("resized to " + broker.send(images, new Resize(800)).join());
                broker.send(ActorId.of(404), new Check(1)).exceptionally(e -> false).join();
                boolean all = slowAndFailed.await(10, TimeUnit.SECONDS) && statistics.await(10, TimeUnit.SECONDS);
                out.println(all ? "recorded:" : "recorded (not everything arrived in 10 s):");
                for (RecordedEvent e : seen) {
                    out.println("  " + describe(e));
                }
            } finally {
                stats.close();
            }
        }
    }

    private static String simpleName(String binaryName) {
        return binaryName.substring(Math.max(binaryName.lastIndexOf('.'), binaryName.lastIndexOf('$')) + 1);
    }

    private static String describe(RecordedEvent e) {
        String name = e.getEventType().getName();
        return switch (name) {
            case FlightRecorderInstrumentation.SLOW_MESSAGE -> "SlowMessage " + simpleName(e.getClass("messageType").getName())
                    + " took " + (e.getDuration().toMillis() >= 20 ? "at least 20 ms" : e.getDuration().toMillis() + " ms");
            case FlightRecorderInstrumentation.DELIVERY_FAILURE -> "DeliveryFailure " + e.getString("outcome");
            case FlightRecorderInstrumentation.BROKER_STATISTICS -> "BrokerStatistics " + e.getString("broker")
                    + ": delivered " + e.getLong("delivered") + ", failed " + e.getLong("failed");
            default -> name;
        };
    }
}
