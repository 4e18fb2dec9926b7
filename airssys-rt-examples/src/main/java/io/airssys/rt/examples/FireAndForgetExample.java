package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Spec: {@code try_send()} with {@code LogEvent}, and the fire-and-forget routing pattern with
 * {@code LogMessage}.
 */
public final class FireAndForgetExample {

    /** A log line; nobody waits for a result. */
    public record LogEvent(String message) implements Message<Void> {
    }

    /** Log levels of {@link LogMessage}. */
    public enum Level { INFO, WARN }

    /** A log line with a level. */
    public record LogMessage(Level level, String message) implements Message<Void> {
    }

    private FireAndForgetExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     * @throws InterruptedException if interrupted while waiting for the logger
     */
    public static void run(PrintStream out) throws InterruptedException {
        List<String> written = new CopyOnWriteArrayList<>();
        CountDownLatch bothWritten = new CountDownLatch(2);
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId loggerId = system.spawn(Behaviors.receive()
                    .onTell(LogEvent.class, e -> {
                        written.add(e.message());
                        bothWritten.countDown();
                    })
                    .onTell(LogMessage.class, m -> {
                        written.add(m.level() + " " + m.message());
                        bothWritten.countDown();
                    })
                    .build()).id();

            broker.trySend(loggerId, new LogEvent("User logged in"));          // never blocks
            broker.trySend(loggerId, new LogMessage(Level.INFO, "Task completed"));

            // fire-and-forget has no reply; closing would drop what is still queued, so wait
            if (!bothWritten.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the logger did not write both lines");
            }
        }
        written.forEach(line -> out.println("logger wrote: " + line));
    }

    /**
     * Runs the example on standard output.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
