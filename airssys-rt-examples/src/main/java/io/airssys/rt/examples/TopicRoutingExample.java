package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.InvalidTopicException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.RoutingKey;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spec "Custom Routing": topics with NATS-style wildcards, publish to every subscriber, and
 * {@code sendWithRouting} to one worker of a pool.
 */
public final class TopicRoutingExample {

    /** An order event; each subscriber acknowledges with its own name. */
    public record OrderCreated(long orderId) implements Message<String> {
    }

    /** Work for a pool of resizers; the reply is the worker's name. */
    public record Resize(int imageId) implements Message<String> {
    }

    private TopicRoutingExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();

            ActorId audit = system.spawn(Behaviors.receive().on(OrderCreated.class, o -> "audit").build()).id();
            ActorId euShipping = system.spawn(Behaviors.receive().on(OrderCreated.class, o -> "eu-shipping").build()).id();
            ActorId billing = system.spawn(Behaviors.receive().on(OrderCreated.class, o -> "billing").build()).id();
            broker.subscribe(audit, "orders.>");             // anything under orders
            broker.subscribe(audit, "users.*");              // and one token under users
            broker.subscribe(euShipping, "orders.eu.*");     // one token after orders.eu
            broker.subscribe(billing, "orders.*.created");   // created orders of any region

            for (String topic : List.of("orders.eu.created", "orders.us.created", "users.signup")) {
                List<Reply<String>> replies = broker.publish(topic, new OrderCreated(7)).join();
                out.println(topic + " -> " + replies.stream().map(Reply::valueOrThrow).toList());
            }

            // a pool: each Resize goes to ONE of the workers subscribed to images.resize
            Map<String, Integer> perWorker = new ConcurrentHashMap<>();
            for (int w = 1; w <= 3; w++) {
                String name = "resizer-" + w;
                ActorId worker = system.spawn(Behaviors.receive().on(Resize.class, r -> name).build()).id();
                broker.subscribe(worker, "images.resize");
            }
            List<CompletableFuture<String>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                done.add(broker.sendWithRouting(new RoutingKey("images.resize", Priority.NORMAL), new Resize(i)));
            }
            done.forEach(f -> perWorker.merge(f.join(), 1, Integer::sum));
            out.println("300 resizes spread over " + perWorker.size() + " workers, total "
                    + new TreeMap<>(perWorker).values().stream().mapToInt(Integer::intValue).sum());

            try {
                broker.sendWithRouting(RoutingKey.of("images.crop"), new Resize(1)).join();
            } catch (CompletionException e) {
                BrokerException cause = (BrokerException) e.getCause();
                out.println(cause.error() + ": " + cause.getMessage().contains("images.crop"));
            }
            try {
                broker.subscribe(audit, "orders..created");
            } catch (InvalidTopicException e) {
                out.println("refused: " + e.getMessage());
            }
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
