package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.micrometer.BrokerMeterBinder;
import io.airssys.rt.micrometer.MicrometerInstrumentation;
import io.airssys.rt.mailbox.Mailbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Micrometer (module {@code airssys-rt-micrometer}): timers and outcome counters per message
 * type and actor group, the broker's counters as meters, and observations that follow a
 * checkout through the nested ask its handler makes. A real application passes its own
 * registries (Prometheus, OTLP, a tracing bridge); here a {@link SimpleMeterRegistry} and an
 * observation handler that keeps what it saw stand in for them.
 */
public final class ObservabilityExample {

    /** Checks out a cart: the checkout actor asks the pricing actor for the total. */
    record Checkout(String cart) implements Message<String> {
    }

    /** Prices a cart, refusing an empty one. */
    record Price(String cart) implements Message<Integer> {
    }

    private ObservabilityExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        Queue<Observation.Context> stopped = new ConcurrentLinkedQueue<>();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });

        ActorId pricing = ActorId.of(1);
        ActorId checkout = ActorId.of(2);
        MicrometerInstrumentation instrumentation = MicrometerInstrumentation.builder(meters)
                .observationRegistry(observations)
                // tag by role, never by actor id: two roles, however many actors
                .actorGroups(id -> id.equals(pricing) ? "pricing" : "checkout")
                .build();
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder().instrumentation(instrumentation).build();
        new BrokerMeterBinder(broker).bindTo(meters);

        try (ActorSystem system = ActorSystem.builder().broker(broker).threads(2).build()) {
            system.spawn(pricing, Behaviors.receive().on(Price.class, p -> {
                if (p.cart().isEmpty()) {
                    throw new IllegalArgumentException("empty cart");
                }
                return p.cart().length() * 100;
            }).build(), Mailbox.unbounded());
            system.spawn(checkout, Behaviors.receive().onAsync(Checkout.class, (ctx, c) ->
                    ctx.broker().send(pricing, new Price(c.cart())).thenApply(cents -> c.cart() + " costs " + cents)
            ).build(), Mailbox.unbounded());

            // the caller's own observation (a web framework's request, say): the trace starts here
            out.println(Observation.createNotStarted("http.request", observations)
                    .contextualName("POST /checkout")
                    .observe(() -> broker.send(checkout, new Checkout("abc")).join()));
            for (int i = 0; i < 9; i++) {
                broker.send(pricing, new Price(i < 7 ? "x" : "")).exceptionally(e -> -1).join();
            }

            // outcomes and observations are reported as each message is retired: wait for the last
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (outcomes(meters) < broker.metrics().totalSent() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }

            Timer priced = meters.get(MicrometerInstrumentation.PROCESSING)
                    .tag("type", "Price").tag("group", "pricing").tag("outcome", "success").timer();
            out.println("Price handled " + priced.count() + " times successfully, "
                    + count(meters, "Price", "handler_failed") + " failed");
            out.println("Checkout replied: " + count(meters, "Checkout", "replied"));
            out.println("broker: sent " + (long) meters.get(BrokerMeterBinder.SENT).functionCounter().count()
                    + ", delivered " + (long) meters.get(BrokerMeterBinder.DELIVERED).functionCounter().count()
                    + ", failed " + (long) meters.get(BrokerMeterBinder.FAILED).functionCounter().count());
            Observation.Context pricedInCheckout = stopped.stream()
                    .filter(c -> "process Price".equals(c.getContextualName()) && c.getParentObservation() != null
                            && c.getParentObservation().getContextView().getParentObservation() != null)
                    .findFirst().orElseThrow();
            out.println("trace: " + String.join(" <- ", chain(pricedInCheckout)));
        }
    }

    private static long count(SimpleMeterRegistry meters, String type, String outcome) {
        Counter c = meters.find(MicrometerInstrumentation.OUTCOMES).tag("type", type).tag("outcome", outcome).counter();
        return c == null ? 0 : (long) c.count();
    }

    private static double outcomes(SimpleMeterRegistry meters) {
        return meters.find(MicrometerInstrumentation.OUTCOMES).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The observation's contextual name, then its parents' up to the root. */
    private static List<String> chain(Observation.ContextView context) {
        List<String> names = new ArrayList<>();
        names.add(context.getContextualName());
        ObservationView parent = context.getParentObservation();
        for (int depth = 0; parent != null && depth < 10; depth++) {
            names.add(parent.getContextView().getContextualName());
            parent = parent.getContextView().getParentObservation();
        }
        return names;
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
