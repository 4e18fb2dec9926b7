package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.mailbox.Mailbox;

import java.io.PrintStream;
import java.util.List;

/** Spec: {@code broadcast_filter()} sending {@code WorkItem} only to worker actors 100-199. */
public final class FilteredBroadcastExample {

    /** Work for a worker; the reply is the number of bytes processed. */
    public record WorkItem(byte[] data) implements Message<Integer> {
    }

    private FilteredBroadcastExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            Behavior<Message<?>> worker = Behaviors.receive().on(WorkItem.class, w -> w.data().length).build();
            for (long id = 1; id < 300; id++) {
                system.spawn(ActorId.of(id), worker, Mailbox.bounded(16));
            }

            List<Reply<Integer>> results = broker.broadcastFilter(new WorkItem(new byte[0]), id -> {
                long idNum = id.asLong();
                return idNum >= 100 && idNum < 200;
            }).join();

            out.println("WorkItem reached " + results.size() + " workers, first "
                    + results.getFirst().actorId() + ", last " + results.getLast().actorId());
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
