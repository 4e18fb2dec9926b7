package io.airssys.rt.jfr;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.airssys.rt.jfr.FlightRecorderInstrumentation.ACTOR_REGISTERED;
import static io.airssys.rt.jfr.FlightRecorderInstrumentation.ACTOR_UNREGISTERED;
import static io.airssys.rt.jfr.FlightRecorderInstrumentation.DELIVERY_FAILURE;
import static io.airssys.rt.jfr.FlightRecorderInstrumentation.SLOW_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events end to end: a real broker with the instrumentation installed, real actors on
 * dispatcher threads, and a {@link jdk.jfr.consumer.RecordingStream} reading what was written.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FlightRecorderInstrumentationTest {

    /** Handled in no time. */
    record Fast(int n) implements Message<Integer> {
    }

    /** Handled in at least {@code millis}. */
    record Slow(long millis) implements Message<String> {
    }

    /** Its handler spins {@code millis} and then throws. */
    record SlowFailure(long millis) implements Message<String> {
    }

    /** Its handler waits for the latch. */
    record Gate(CountDownLatch entered, CountDownLatch release) implements Message<String> {
    }

    private final InMemoryMessageBroker broker = InMemoryMessageBroker.builder()
            .instrumentation(FlightRecorderInstrumentation.create())
            .build();
    private final ActorSystem system = ActorSystem.builder().broker(broker).threads(2).build();

    @AfterEach
    void close() {
        system.close();
    }

    /** Parks for at least {@code nanos} of real time (bounded: the loop ends once it has passed). */
    private static void spin(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private ActorId spawnWorker() {
        return system.spawn(Behaviors.receive()
                .on(Fast.class, Fast::n)
                .on(Slow.class, s -> {
                    spin(TimeUnit.MILLISECONDS.toNanos(s.millis()));
                    return "slow";
                })
                .on(SlowFailure.class, s -> {
                    spin(TimeUnit.MILLISECONDS.toNanos(s.millis()));
                    throw new IllegalStateException("slow and then broken");
                })
                .on(Gate.class, g -> {
                    g.entered().countDown();
                    g.release().await();
                    return "opened";
                })
                .build()).id();
    }

    private static String typeOf(RecordedEvent e) {
        return e.getClass("messageType").getName();
    }

    @Test
    void aSlowHandlerRecordsOneSlowMessageWithItsFields() {
        ActorId worker = spawnWorker();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE); // default settings: threshold 10 ms
            recorder.start();
            assertThat(broker.send(worker, new Slow(30)).join()).isEqualTo("slow");

            RecordedEvent e = recorder.awaitEvent(SLOW_MESSAGE, ev -> true);
            assertThat(e.getString("actor")).isEqualTo(worker.toString());
            assertThat(typeOf(e)).isEqualTo(Slow.class.getName());
            assertThat(e.getBoolean("failed")).isFalse();
            assertThat(e.getClass("failureType")).isNull();
            assertThat(e.getDuration("queued")).isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(e.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(30));
            assertThat(e.getStackTrace()).isNull();
            assertThat(e.getThread().getJavaName()).startsWith("airssys-rt-dispatcher-"); // the actor's thread
            assertThat(e.getEventType().getCategoryNames()).containsExactly("airssys-rt");
            assertThat(recorder.named(SLOW_MESSAGE)).hasSize(1);
        }
    }

    @Test
    void aFastHandlerUnderTheThresholdRecordsNothing() {
        ActorId worker = spawnWorker();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE);
            recorder.start();
            for (int i = 0; i < 200; i++) {
                assertThat(broker.send(worker, new Fast(i)).join()).isEqualTo(i);
            }
            // the stream is live: the slow message sent after the fast ones arrives, and alone
            assertThat(broker.send(worker, new Slow(20)).join()).isEqualTo("slow");

            recorder.awaitEvent(SLOW_MESSAGE, ev -> typeOf(ev).equals(Slow.class.getName()));
            assertThat(recorder.named(SLOW_MESSAGE)).extracting(FlightRecorderInstrumentationTest::typeOf)
                    .containsExactly(Slow.class.getName());
        }
    }

    @Test
    void theQueuedFieldIsTheWaitBehindABusyActor() throws InterruptedException {
        ActorId worker = spawnWorker();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE).withThreshold(Duration.ZERO); // every message, to see its queue time
            recorder.start();
            Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
            CompletableFuture<String> opened = broker.send(worker, gate);
            assertThat(gate.entered().await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> behind = broker.send(worker, new Fast(1));
            spin(TimeUnit.MILLISECONDS.toNanos(25)); // Fast(1) is queued all this time
            gate.release().countDown();
            assertThat(opened.join()).isEqualTo("opened");
            assertThat(behind.join()).isEqualTo(1);

            RecordedEvent fast = recorder.awaitEvent(SLOW_MESSAGE, ev -> typeOf(ev).equals(Fast.class.getName()));
            assertThat(fast.getDuration("queued")).isGreaterThanOrEqualTo(Duration.ofMillis(25));
        }
    }

    @Test
    void aFailingHandlerRecordsItsFailureTwice() {
        ActorId worker = spawnWorker();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(SLOW_MESSAGE);
            recorder.enable(DELIVERY_FAILURE);
            recorder.start();
            assertThat(broker.send(worker, new SlowFailure(20))).failsWithin(Recorder.PATIENCE);

            RecordedEvent slow = recorder.awaitEvent(SLOW_MESSAGE, ev -> true);
            assertThat(slow.getBoolean("failed")).isTrue();
            assertThat(slow.getClass("failureType").getName()).isEqualTo(IllegalStateException.class.getName());
            RecordedEvent failure = recorder.awaitEvent(DELIVERY_FAILURE, ev -> true);
            assertThat(failure.getString("outcome")).isEqualTo("handler_failed");
            assertThat(failure.getBoolean("processed")).isTrue();
            assertThat(typeOf(failure)).isEqualTo(SlowFailure.class.getName());
            assertThat(failure.getClass("errorType")).isNotNull();
            assertThat(failure.getString("error")).contains("slow and then broken");
        }
    }

    @Test
    void everyOutcomeButAReplyRecordsADeliveryFailure() {
        ActorId worker = spawnWorker();
        try (Recorder recorder = new Recorder()) {
            recorder.enable(DELIVERY_FAILURE);
            recorder.start();
            for (int i = 0; i < 20; i++) {
                assertThat(broker.send(worker, new Fast(i)).join()).isEqualTo(i); // replied: no event
            }
            ActorId nobody = ActorId.newId();
            assertThat(broker.send(nobody, new Fast(-1))).failsWithin(Recorder.PATIENCE);

            RecordedEvent e = recorder.awaitEvent(DELIVERY_FAILURE, ev -> true);
            assertThat(e.getString("outcome")).isEqualTo("actor_not_found");
            assertThat(e.getBoolean("processed")).isFalse();
            assertThat(typeOf(e)).isEqualTo(Fast.class.getName());
            assertThat(e.getString("error")).contains(nobody.toString());
            assertThat(e.getStackTrace()).isNull();
            assertThat(recorder.named(DELIVERY_FAILURE)).hasSize(1);
        }
    }

    @Test
    void registerAndUnregisterRecordLifecycleEvents() {
        try (Recorder recorder = new Recorder()) {
            recorder.enable(ACTOR_REGISTERED);
            recorder.enable(ACTOR_UNREGISTERED);
            recorder.start();
            ActorId worker = spawnWorker();
            String id = worker.toString();
            recorder.awaitEvent(ACTOR_REGISTERED, ev -> id.equals(ev.getString("actor")));

            broker.unregister(worker);
            recorder.awaitEvent(ACTOR_UNREGISTERED, ev -> id.equals(ev.getString("actor")));
            assertThat(actors(recorder, ACTOR_REGISTERED)).containsExactly(id);
            assertThat(actors(recorder, ACTOR_UNREGISTERED)).containsExactly(id);
        }
    }

    private static List<String> actors(Recorder recorder, String event) {
        return recorder.named(event).stream().map(e -> e.getString("actor")).toList();
    }
}
