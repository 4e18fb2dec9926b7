package io.airssys.rt.jfr;

import jdk.jfr.EventSettings;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A live recording of this JVM for a test: enables the events it is told to, keeps every one it
 * sees, and waits for the ones a test expects (events reach the stream about once a second, when
 * the recorder flushes).
 */
final class Recorder implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final RecordingStream stream = new RecordingStream();
    private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();

    /** Enables an event with its default settings (the annotations') and keeps what arrives. */
    EventSettings enable(String name) {
        stream.onEvent(name, events::add);
        return stream.enable(name);
    }

    /**
     * Disables an event. Needed to keep one out: a recording runs every event of this module that
     * it does not configure at the event's defaults, which enable it.
     */
    void disable(String name) {
        stream.disable(name);
    }

    /** Starts recording; events committed after this returns are seen. */
    Recorder start() {
        stream.startAsync();
        return this;
    }

    /** The events of one name seen so far, in arrival order. */
    List<RecordedEvent> named(String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    /** Waits until an event of that name matching the condition arrived, and returns the first. */
    RecordedEvent awaitEvent(String name, Predicate<RecordedEvent> condition) {
        await().atMost(PATIENCE).until(() -> named(name).stream().anyMatch(condition));
        return named(name).stream().filter(condition).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        stream.close();
    }
}
