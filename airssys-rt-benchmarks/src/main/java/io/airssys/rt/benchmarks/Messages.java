package io.airssys.rt.benchmarks;

import io.airssys.rt.Message;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;

import java.util.concurrent.CountDownLatch;

/** The messages and actors the airssys-rt benchmarks use. */
public final class Messages {

    private Messages() {
    }

    /** Request-response: the actor replies with {@code n}. */
    public record Ping(int n) implements Message<Integer> {
    }

    /** Fire-and-forget work item. */
    public record Work(int n) implements Message<Void> {
    }

    /** Marks the end of a batch: the actor counts the latch down once it has processed it. */
    public record Done(CountDownLatch latch) implements Message<Void> {
    }

    /**
     * An actor that answers {@link Ping}, counts {@link Work} and releases {@link Done}.
     *
     * @return the behavior
     */
    public static Behavior<Message<?>> worker() {
        long[] processed = new long[1];
        return Behaviors.receive()
                .on(Ping.class, Ping::n)
                .onTell(Work.class, w -> processed[0] += w.n())
                .onTell(Done.class, d -> d.latch().countDown())
                .build();
    }
}
