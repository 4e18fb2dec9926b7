package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.BrokerNode;

import java.io.PrintStream;
import java.util.Locale;

/** Spec: {@code metrics()} and the success-rate printout. */
public final class MetricsExample {

    /** Squares a number, refusing negative ones. */
    public record Square(int n) implements Message<Integer> {
    }

    private MetricsExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            BrokerNode broker = system.broker();
            ActorId calc = system.spawn(Behaviors.receive().on(Square.class, s -> {
                if (s.n() < 0) {
                    throw new IllegalArgumentException("negative: " + s.n());
                }
                return s.n() * s.n();
            }).build()).id();
            for (int n = -2; n < 98; n++) {
                broker.send(calc, new Square(n)).exceptionally(error -> -1).join();
            }

            BrokerMetrics metrics = broker.metrics();
            out.println("Active actors: " + metrics.registeredActors());
            out.printf(Locale.ROOT, "Success rate: %.2f%%%n",
                    (metrics.totalDelivered() / (double) metrics.totalSent()) * 100.0);
            out.println("Sent " + metrics.totalSent() + ", delivered " + metrics.totalDelivered()
                    + ", failed " + metrics.totalFailed());
            out.println("Avg routing latency: " + metrics.avgRoutingLatencyNs() + "ns (sampled)");
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
