package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.Actor;
import io.airssys.rt.actor.ActorContext;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Handled;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.mailbox.Mailbox;

import java.io.PrintStream;
import java.util.Locale;

/**
 * An actor with state whose protocol is a sealed interface, handled by an exhaustive
 * {@code switch}: adding a message to the protocol without handling it does not compile, and
 * {@link Handled#reply} checks each reply against the message's result type.
 */
public final class SealedProtocolExample {

    /** What an account understands. */
    public sealed interface AccountProtocol permits Deposit, Withdraw, GetBalance {
    }

    /** Adds money. */
    public record Deposit(double amount) implements AccountProtocol, Message<Void> {
    }

    /** Takes money out; replies whether there was enough. */
    public record Withdraw(double amount) implements AccountProtocol, Message<Boolean> {
    }

    /** Replies with the balance. */
    public record GetBalance(long accountId) implements AccountProtocol, Message<Double> {
    }

    /** One account; its state needs no lock because the actor runs one message at a time. */
    public static final class Account implements Actor<AccountProtocol> {
        private double balance;

        @Override
        public Handled receive(ActorContext ctx, AccountProtocol message) {
            return switch (message) {
                case Deposit d -> {
                    balance += d.amount();
                    yield Handled.done(d);
                }
                case Withdraw w -> {
                    boolean enough = balance >= w.amount();
                    if (enough) {
                        balance -= w.amount();
                    }
                    yield Handled.reply(w, enough);
                }
                case GetBalance g -> Handled.reply(g, balance);
            };
        }
    }

    private SealedProtocolExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId account = system.spawn(Behavior.of(AccountProtocol.class, Account::new), Mailbox.bounded(1000)).id();
            broker.trySend(account, new Deposit(200));
            boolean ok = broker.send(account, new Withdraw(74.5)).join();
            boolean tooMuch = broker.send(account, new Withdraw(1_000)).join();
            double balance = broker.send(account, new GetBalance(1)).join();
            out.printf(Locale.ROOT, "withdraw 74.50: %s, withdraw 1000: %s, balance: $%.2f%n", ok, tooMuch, balance);
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
