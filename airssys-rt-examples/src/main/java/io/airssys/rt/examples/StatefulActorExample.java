package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.actor.Directive;
import io.airssys.rt.broker.MessageBroker;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * Per-actor state with {@link Behaviors#withState}: every spawn, and every RESTART after a
 * failure, gets a fresh state from the factory. Also the handler forms with and without the
 * actor context ({@code onTell((ctx, state, m) -> ...)}, {@code onAsync((state, m) -> ...)}).
 */
public final class StatefulActorExample {

    /** The state one counter actor owns; touched only by its own actor, so no locks. */
    static final class Tally {
        int count;
    }

    record Add(int n) implements Message<Void> {
    }

    record Total() implements Message<Integer> {
    }

    record TotalLater() implements Message<Integer> {
    }

    record Reset() implements Message<Void> {
    }

    private StatefulActorExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        Behavior<Message<?>> counter = Behaviors.withState(Tally::new)
                .onTell(Add.class, (tally, add) -> tally.count += add.n())
                .on(Total.class, (tally, t) -> tally.count)
                .onAsync(TotalLater.class, (tally, t) -> CompletableFuture.completedFuture(1000 + tally.count))
                .onTell(Reset.class, (ctx, tally, r) -> {
                    throw new IllegalStateException(ctx.self() + " asked to reset");
                })
                .onFailure(Directive.RESTART) // a fresh Tally from the factory
                .build();
        try (ActorSystem system = ActorSystem.create()) {
            MessageBroker broker = system.broker();
            ActorId a = system.spawn(counter).id();
            ActorId b = system.spawn(counter).id(); // same behavior, its own Tally
            broker.trySend(a, new Add(5));
            broker.trySend(a, new Add(7));
            broker.trySend(b, new Add(1));
            out.println("a counted " + broker.send(a, new Total()).join() + ", b counted "
                    + broker.send(b, new Total()).join());
            broker.trySend(a, new Reset());
            out.println("after a restart a counts " + broker.send(a, new Total()).join());
            out.println("an async reply: " + broker.send(a, new TotalLater()).join());
        }
    }
}
