package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Spec: {@code send()} with {@code GetBalance}, and the request-response routing pattern
 * with {@code GetUserName}.
 */
public final class RequestResponseExample {

    /** Asks an account actor for a balance. */
    public record GetBalance(long accountId) implements Message<Double> {
    }

    /** Asks a database actor for a user name. */
    public record GetUserName(long userId) implements Message<String> {
    }

    private RequestResponseExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        Map<Long, Double> balances = Map.of(123L, 125.50);
        Map<Long, String> users = Map.of(42L, "Alice");
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId accountId = system.spawn(Behaviors.receive()
                    .on(GetBalance.class, g -> balances.getOrDefault(g.accountId(), 0.0)) // must return Double
                    .build()).id();
            ActorId dbActorId = system.spawn(Behaviors.receive()
                    .on(GetUserName.class, g -> users.get(g.userId()))
                    .build()).id();

            double balance = broker.send(accountId, new GetBalance(123)).join();
            out.printf(Locale.ROOT, "Account balance: $%.2f%n", balance);

            String name = broker.send(dbActorId, new GetUserName(42)).join();
            out.println("User 42 is " + name);
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
