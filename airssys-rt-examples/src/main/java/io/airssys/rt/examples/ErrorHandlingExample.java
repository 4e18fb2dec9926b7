package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;

import java.io.PrintStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * Spec: the {@code BrokerError} match on {@code register} and the {@code SendError} match on
 * {@code send}; plus the error model's one catch for every delivery failure
 * ({@link DeliveryException}), where a failing handler shows as {@link ActorFailedException}.
 */
public final class ErrorHandlingExample {

    /** Keeps a worker busy until {@code until} opens; opens {@code started} first. */
    public record Busy(CountDownLatch started, CountDownLatch until) implements Message<Void> {
    }

    /** Any request. */
    public record Ping() implements Message<String> {
    }

    private ErrorHandlingExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.builder().virtualThreads().build()) {
            BrokerNode broker = system.broker();
            ActorId actorId = ActorId.of(1);
            broker.register(actorId, Mailbox.unbounded());

            try {
                broker.register(actorId, Mailbox.unbounded());
                out.println("Actor registered");
            } catch (BrokerException e) {
                switch (e.error()) {
                    case ALREADY_REGISTERED -> out.println("Actor ID " + actorId + " already in use");
                    default -> out.println("Registration failed: " + e.getMessage());
                }
            }

            ActorId worker = system.spawn(ActorId.of(2), Behaviors.receive()
                    .onTell(Busy.class, b -> {
                        b.started().countDown();
                        b.until().await();
                    })
                    .on(Ping.class, p -> "pong")
                    .build(), Mailbox.bounded(1)).id();
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            broker.trySend(worker, new Busy(started, release)); // the worker is busy with this one
            awaitUninterruptibly(started);
            broker.send(worker, new Ping());                    // fills the mailbox (capacity 1)

            ActorId auditor = system.spawn(ActorId.of(3), Behaviors.receive()
                    .on(Ping.class, p -> {
                        throw new IllegalStateException("audit log unavailable");
                    })
                    .build(), Mailbox.unbounded()).id();

            for (ActorId target : new ActorId[] {ActorId.of(404), worker, auditor}) {
                try {
                    out.println("Success: " + broker.send(target, new Ping()).join());
                } catch (CompletionException failure) {
                    // one catch for every delivery failure; the sealed type tells them apart
                    switch (DeliveryException.of(failure).orElseThrow()) {
                        case SendException e -> {
                            switch (e.error()) {
                                case ACTOR_NOT_FOUND -> out.println("Actor " + target + " not found");
                                case MAILBOX_FULL -> out.println("Actor " + target + " mailbox full, retry later");
                                default -> out.println("Send failed: " + e.getMessage());
                            }
                        }
                        case ActorFailedException e -> out.println("Actor " + target + " failed on "
                                + e.messageType() + ": " + e.causeMessage());
                        case BrokerException e -> out.println("Broker refused: " + e.getMessage());
                    }
                }
            }
            release.countDown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Runs the example on standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }
}
