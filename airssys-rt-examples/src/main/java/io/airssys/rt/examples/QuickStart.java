package io.airssys.rt.examples;

// README-QUICKSTART-BEGIN
import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;

import java.util.Locale;

public final class QuickStart {

    // A message is a record typed by its reply: GetBalance is answered with a Double.
    record GetBalance(long accountId) implements Message<Double> {}

    record LogEvent(String text) implements Message<Void> {}

    public static void main(String[] args) {
        try (ActorSystem system = ActorSystem.create()) {       // embedded broker + dispatcher
            MessageBroker broker = system.broker();

            ActorId account = system.spawn(Behaviors.receive()
                    .on(GetBalance.class, g -> 125.50)          // must return a Double: checked by javac
                    .onTell(LogEvent.class, e -> System.out.println("log: " + e.text()))
                    .build()).id();

            broker.trySend(account, new LogEvent("balance requested"));  // fire-and-forget
            double balance = broker.send(account, new GetBalance(123)).join();
            System.out.printf(Locale.ROOT, "Account balance: $%.2f%n", balance);  // $125.50 in any locale
        }
    }
}
// README-QUICKSTART-END
