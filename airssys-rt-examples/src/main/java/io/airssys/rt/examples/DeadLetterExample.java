package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Registration;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.mailbox.Mailbox;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Spec "Dead Letter Queue": {@code withDeadLetterQueue}, inspecting what was not delivered
 * and why, listening, and replaying once the receiver exists.
 */
public final class DeadLetterExample {

    /** A payment instruction for a ledger actor. */
    public record Payment(String id, long cents) implements Message<Void> {
    }

    private DeadLetterExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     * @throws InterruptedException if interrupted
     */
    public static void run(PrintStream out) throws InterruptedException {
        DeadLetterQueue dlq = new DeadLetterQueue(10_000);
        InMemoryMessageBroker broker = new InMemoryMessageBroker().withDeadLetterQueue(dlq);
        try (ActorSystem system = ActorSystem.builder().broker(broker).build()) {
            List<String> alerts = new CopyOnWriteArrayList<>();
            Registration listening = dlq.listen(letter -> alerts.add(letter.reason().name()));
            try {
                ActorId ledger = ActorId.of(42);
                for (int i = 1; i <= 3; i++) {
                    try {
                        broker.trySend(ledger, new Payment("p" + i, 100L * i)); // the ledger is not up yet
                    } catch (RuntimeException notFound) {
                        // the sender is told; the message is kept in the dead letter queue
                    }
                }
                out.println("dead letters: " + dlq.size() + ", alerts heard: " + alerts);
                DeadLetter first = dlq.snapshot().getFirst();
                out.println("first: " + first.message() + " to " + ((DeadLetter.ToActor) first.target()).actorId()
                        + " because " + first.reason() + " (sent " + (first.sentAt().isAfter(first.deadLetteredAt())
                        ? "after" : "before or when") + " it was dead-lettered)");

                CountDownLatch booked = new CountDownLatch(3);
                List<String> ledgerBook = new CopyOnWriteArrayList<>();
                system.spawn(ledger, Behaviors.receive().onTell(Payment.class, p -> {
                    ledgerBook.add(p.id());
                    booked.countDown();
                }).build(), Mailbox.unbounded());
                int replayed = dlq.replay(l -> l.reason() == DeadLetterReason.ACTOR_NOT_FOUND, broker);
                if (!booked.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the ledger did not book the replayed payments");
                }
                out.println("replayed " + replayed + ", ledger booked " + ledgerBook.stream().sorted().toList()
                        + ", left in queue: " + dlq.size());
            } finally {
                listening.close(); // stop listening
            }
        }
    }

    /**
     * Runs the example on standard output.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }
}
