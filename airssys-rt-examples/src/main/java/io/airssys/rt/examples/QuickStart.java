package io.airssys.rt.examples;

// README-QUICKSTART-BEGIN
import io.airssys.rt.ActorRef;
import io.airssys.rt.Request;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;

import java.util.Locale;

public final class QuickStart {

    // A protocol: each message is a record typed by its reply (GetBalance is answered with a Double).
    sealed interface Account<R> extends Request<Account<?>, R> permits GetBalance, LogEvent {}

    record GetBalance(long accountId) implements Account<Double> {}

    record LogEvent(String text) implements Account<Void> {}

    public static void main(String[] args) {
        try (ActorSystem system = ActorSystem.create()) {       // embedded broker + dispatcher
            ActorRef<Account<?>> account = system.spawn(Behaviors.receive()
                    .on(GetBalance.class, g -> 125.50)          // must return a Double: checked by javac
                    .onTell(LogEvent.class, e -> System.out.println("log: " + e.text()))
                    .build()
                    .narrow(Account.class));                    // the ref takes Account messages only

            account.tell(new LogEvent("balance requested"));     // fire-and-forget
            double balance = account.ask(new GetBalance(123)).join();
            System.out.printf(Locale.ROOT, "Account balance: $%.2f%n", balance);  // $125.50 in any locale
        }
    }
}
// README-QUICKSTART-END
