package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.mailbox.Mailbox;

import java.io.PrintStream;

/**
 * Spec: the constructors ({@code new}, {@code with_capacity}), {@code register} with a bounded
 * mailbox, {@code is_registered} as a guard before sending, {@code registered_count},
 * {@code actor_ids} and {@code unregister}.
 */
public final class QueriesExample {

    /** Point-to-point work for one worker. */
    public record ProcessTask(int id) implements Message<String> {
    }

    private QueriesExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (InMemoryMessageBroker small = new InMemoryMessageBroker()) {
            out.println("new broker, actors: " + small.registeredCount());
        }
        // System with ~1000 actors: the routing table is sized once
        BrokerNode broker = InMemoryMessageBroker.withCapacity(1000);
        try (ActorSystem system = ActorSystem.builder().broker(broker).build()) {
            // the spec's own flow: a mailbox, registered, then an actor attached to it
            ActorId workerId = ActorId.of(7);
            Mailbox<Message<?>> mailbox = Mailbox.bounded(1000);
            broker.register(workerId, mailbox);
            system.attach(Behaviors.receive().on(ProcessTask.class, t -> "task " + t.id() + " done").build(), mailbox);

            // Point-to-point: one sender, one receiver
            String result = broker.send(workerId, new ProcessTask(42)).join();
            out.println(result);

            ActorId missing = ActorId.of(999);
            for (ActorId actorId : new ActorId[] {workerId, missing}) {
                if (broker.isRegistered(actorId)) {
                    out.println("sent to " + actorId + ": " + broker.send(actorId, new ProcessTask(1)).join());
                } else {
                    out.println("Actor " + actorId + " not found");
                }
            }

            system.spawn(ActorId.of(8), Behaviors.receive().build(), Mailbox.unbounded());
            out.println("Active actors: " + broker.registeredCount());
            for (ActorId actorId : broker.actorIds()) {
                out.println("Registered: " + actorId);
            }
            broker.unregister(workerId);
            out.println("after unregister, Active actors: " + broker.registeredCount());
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
