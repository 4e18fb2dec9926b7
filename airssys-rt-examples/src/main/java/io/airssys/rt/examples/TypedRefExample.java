package io.airssys.rt.examples;

import io.airssys.rt.ActorRef;
import io.airssys.rt.Request;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.SendOptions;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Typed references: {@code spawn} returns an {@link ActorRef} whose {@code ask} and
 * {@code tell} only compile for messages of the actor's protocol and infer the result type.
 * A ref to an id that arrived in a message is made with {@link ActorRef#of}.
 */
public final class TypedRefExample {

    /** The inventory's protocol: each message names its reply type. */
    sealed interface Inventory<R> extends Request<Inventory<?>, R> permits Stock, Count {
    }

    /** Fire-and-forget: adds items. */
    record Stock(String item, int quantity) implements Inventory<Void> {
    }

    /** Answers with how many of the item are in stock. */
    record Count(String item) implements Inventory<Integer> {
    }

    private TypedRefExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            ActorRef<Inventory<?>> inventory = system.spawn(Behaviors.withState(java.util.HashMap<String, Integer>::new)
                    .onTell(Stock.class, (stock, s) -> stock.merge(s.item(), s.quantity(), Integer::sum))
                    .on(Count.class, (stock, c) -> stock.getOrDefault(c.item(), 0))
                    .build()
                    .narrow(Inventory.class));

            inventory.tell(new Stock("apple", 3));
            inventory.tell(new Stock("apple", 2), SendOptions.DEFAULT.withHeader("trace-id", "t-7"));
            int apples = inventory.ask(new Count("apple")).join();       // Integer, inferred
            out.println("apples in stock: " + apples);

            // inventory.ask(new QuickStart.GetBalance(1));             // does not compile: not an Inventory message

            ActorRef<Inventory<?>> again = ActorRef.of(system.broker(), inventory.id(), Inventory.class);
            out.println("the same actor through a ref made from its id: "
                    + again.ask(new Count("apple"), SendOptions.timeout(Duration.ofSeconds(1))).join()
                    + " (equal refs: " + again.equals(inventory) + ")");
        }
    }
}
