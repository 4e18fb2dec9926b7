package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;

import java.io.PrintStream;
import java.util.List;

/**
 * Spec: {@code broadcast()} of {@code Shutdown}, counting the actors that failed; and the
 * publish-subscribe routing pattern with {@code UserCreated}.
 */
public final class BroadcastShutdownExample {

    /** Asks every actor to shut down. */
    public record Shutdown() implements Message<Void> {
    }

    /** An event every actor hears about. */
    public record UserCreated(long userId) implements Message<Void> {
    }

    private BroadcastShutdownExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            for (int i = 0; i < 4; i++) {
                system.spawn(Behaviors.receive()
                        .onTell(Shutdown.class, s -> { })
                        .onTell(UserCreated.class, u -> { })
                        .build());
            }
            // one actor refuses to shut down
            system.spawn(Behaviors.receive().onTell(Shutdown.class, s -> {
                throw new IllegalStateException("busy writing a checkpoint");
            }).build());

            List<Reply<Void>> published = broker.broadcast(new UserCreated(123)).join();
            out.println("UserCreated reached " + published.size() + " actors");

            List<Reply<Void>> results = broker.broadcast(new Shutdown()).join();
            int failed = 0;
            for (Reply<Void> result : results) {
                if (result instanceof Reply.Failed<Void> f) {
                    out.println("Shutdown failed: " + f.actorId() + ": " + f.error().getMessage());
                    failed++;
                }
            }
            out.println("Shutdown complete: " + failed + " failures");
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
