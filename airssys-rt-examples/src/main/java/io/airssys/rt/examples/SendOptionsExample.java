package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * One {@link SendOptions} value for timeout, priority and headers, accepted by every sending
 * method; the handler reads the headers from its context (trace context, tenant, ...).
 */
public final class SendOptionsExample {

    /** Answers with the caller's trace id, read from the headers. */
    record WhoCalls() implements Message<String> {
    }

    /** Takes as long as it says. */
    record Slow(long millis) implements Message<String> {
    }

    private SendOptionsExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId service = system.spawn(Behaviors.receive()
                    .on(WhoCalls.class, (ctx, m) -> "trace " + ctx.headers().getOrDefault("trace-id", "none"))
                    .on(Slow.class, s -> {
                        Thread.sleep(s.millis());
                        return "slept " + s.millis() + " ms";
                    })
                    .build()).id();

            SendOptions traced = SendOptions.DEFAULT.withHeader("trace-id", "4bf92f3577b34da6")
                    .withPriority(Priority.HIGH).withTimeout(Duration.ofSeconds(2));
            out.println("send with headers: " + broker.send(service, new WhoCalls(), traced).join());

            List<Reply<String>> all = broker.broadcast(new WhoCalls(), traced).join();
            out.println("broadcast with headers: " + ((Reply.Ok<String>) all.get(0)).value());

            try {
                broker.send(service, new Slow(300), SendOptions.timeout(Duration.ofMillis(50))).join();
            } catch (CompletionException e) {
                SendException timeout = (SendException) e.getCause();
                out.println("a 50 ms timeout: " + (timeout.error() == SendError.TIMEOUT ? "TIMEOUT" : timeout.error()));
            }
        }
    }
}
