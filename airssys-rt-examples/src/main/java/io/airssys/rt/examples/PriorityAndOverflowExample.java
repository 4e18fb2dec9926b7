package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Spec "Message Priorities" and the mailbox strategies behind {@code MailboxFull}: a busy
 * actor's queue is served highest priority first; full bounded mailboxes fail, drop the
 * newest, drop the oldest, or let senders wait.
 */
public final class PriorityAndOverflowExample {

    /** Keeps the actor busy until released, so that messages queue up behind it. */
    public record Busy(CountDownLatch started, CountDownLatch release) implements Message<String> {
    }

    /** A labelled job. */
    public record Job(String label) implements Message<String> {
    }

    private PriorityAndOverflowExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     * @throws InterruptedException if interrupted
     */
    public static void run(PrintStream out) throws InterruptedException {
        try (ActorSystem system = ActorSystem.builder().virtualThreads().build()) {
            BrokerNode broker = system.broker();
            List<String> order = new CopyOnWriteArrayList<>();

            ActorId worker = system.spawn(Behaviors.receive()
                    .on(Busy.class, b -> {
                        b.started().countDown();
                        b.release().await();
                        return "done";
                    })
                    .on(Job.class, j -> {
                        order.add(j.label());
                        return j.label();
                    })
                    .build()).id();
            CountDownLatch release = busy(broker, worker);
            List<CompletableFuture<String>> queued = new ArrayList<>();
            queued.add(broker.sendWithPriority(worker, new Job("report"), Priority.LOW));
            queued.add(broker.sendWithPriority(worker, new Job("invoice"), Priority.NORMAL));
            queued.add(broker.sendWithPriority(worker, new Job("health-check"), Priority.CRITICAL));
            queued.add(broker.sendWithPriority(worker, new Job("refund"), Priority.HIGH));
            release.countDown();
            queued.forEach(CompletableFuture::join);
            out.println("processed by priority: " + order);

            for (OverflowStrategy strategy : OverflowStrategy.values()) {
                List<String> seen = new CopyOnWriteArrayList<>();
                ActorId small = system.spawn(Behaviors.receive()
                        .on(Busy.class, b -> {
                            b.started().countDown();
                            b.release().await();
                            return "done";
                        })
                        .on(Job.class, j -> {
                            seen.add(j.label());
                            return j.label();
                        })
                        .build(), Mailbox.builder().capacity(2).overflow(strategy).build()).id();
                CountDownLatch open = busy(broker, small);
                List<CompletableFuture<String>> sends = new ArrayList<>();
                for (String label : List.of("a", "b", "c")) { // capacity 2: "c" overflows
                    sends.add(broker.send(small, new Job(label)));
                }
                List<String> outcomes = new ArrayList<>();
                open.countDown();
                for (CompletableFuture<String> f : sends) {
                    try {
                        outcomes.add(f.join());
                    } catch (CompletionException e) {
                        outcomes.add(((SendException) e.getCause()).error().name());
                    }
                }
                out.println(strategy + ": replies " + outcomes + ", processed " + seen);
            }
            out.println("dead letters: " + broker.deadLetters().countsByReason());
        }
    }

    private static CountDownLatch busy(BrokerNode broker, ActorId actor) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        broker.send(actor, new Busy(started, release));
        started.await();
        return release;
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
