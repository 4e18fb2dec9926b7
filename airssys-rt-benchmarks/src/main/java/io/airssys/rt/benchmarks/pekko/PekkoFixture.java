package io.airssys.rt.benchmarks.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Apache Pekko 1.7.0, Java API, in the configurations compared: classic and typed actors, each
 * with the default dispatcher configuration and with the dispatcher's throughput raised from 5
 * to 100 messages per actor run ("tuned").
 */
public final class PekkoFixture implements AutoCloseable {

    /** Classic actors, default configuration. */
    public static final String CLASSIC_DEFAULT = "classic-default";
    /** Classic actors, dispatcher throughput 100. */
    public static final String CLASSIC_TUNED = "classic-tuned";
    /** Typed actors, default configuration. */
    public static final String TYPED_DEFAULT = "typed-default";
    /** Typed actors, dispatcher throughput 100. */
    public static final String TYPED_TUNED = "typed-tuned";

    static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    /** A request: the actor replies with {@code n}. */
    public record Ping(int n) {
    }

    /** Fire-and-forget work. */
    public record Work(int n) {
    }

    /** End of a batch. */
    public record Done(CountDownLatch latch) {
    }

    /** The classic worker. */
    public static final class Worker extends AbstractActor {
        private long processed;

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(Ping.class, p -> getSender().tell(p.n(), getSelf()))
                    .match(Work.class, w -> processed += w.n())
                    .match(Done.class, d -> d.latch().countDown())
                    .build();
        }
    }

    /** The typed worker's protocol. */
    public sealed interface Command permits Ask, TypedWork, TypedDone {
    }

    /**
     * A typed request.
     *
     * @param n       the value to echo
     * @param replyTo where to reply
     */
    public record Ask(int n, org.apache.pekko.actor.typed.ActorRef<Integer> replyTo) implements Command {
    }

    /**
     * Typed fire-and-forget work.
     *
     * @param n the amount
     */
    public record TypedWork(int n) implements Command {
    }

    /**
     * Typed end of a batch.
     *
     * @param latch released when processed
     */
    public record TypedDone(CountDownLatch latch) implements Command {
    }

    static org.apache.pekko.actor.typed.Behavior<Command> typedWorker() {
        return Behaviors.setup(ctx -> {
            long[] processed = new long[1];
            return Behaviors.receive(Command.class)
                    .onMessage(Ask.class, a -> {
                        a.replyTo().tell(a.n());
                        return Behaviors.same();
                    })
                    .onMessage(TypedWork.class, w -> {
                        processed[0] += w.n();
                        return Behaviors.same();
                    })
                    .onMessage(TypedDone.class, d -> {
                        d.latch().countDown();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private final boolean typed;
    private final ActorSystem classic;
    private final org.apache.pekko.actor.typed.ActorSystem<SpawnProtocol.Command> typedSystem;
    private int spawned;

    /**
     * Starts Pekko in one configuration.
     *
     * @param setting one of the constants
     */
    public PekkoFixture(String setting) {
        boolean tuned = setting.endsWith("tuned");
        this.typed = setting.startsWith("typed");
        Config config = ConfigFactory.parseString(
                "pekko.loglevel = ERROR\npekko.stdout-loglevel = ERROR\npekko.log-dead-letters = off\n"
                        + (tuned ? "pekko.actor.default-dispatcher.throughput = 100\n" : ""))
                .withFallback(ConfigFactory.load());
        if (typed) {
            typedSystem = org.apache.pekko.actor.typed.ActorSystem.create(SpawnProtocol.create(), "bench", config);
            classic = null;
        } else {
            classic = ActorSystem.create("bench", config);
            typedSystem = null;
        }
    }

    /**
     * Spawns a worker and returns a handle to talk to it.
     *
     * @return the worker
     */
    public Target spawn() {
        String name = "w" + (spawned++);
        if (!typed) {
            ActorRef ref = classic.actorOf(Props.create(Worker.class), name);
            return new ClassicTarget(ref);
        }
        CompletableFuture<org.apache.pekko.actor.typed.ActorRef<Command>> ref = AskPattern.<SpawnProtocol.Command,
                org.apache.pekko.actor.typed.ActorRef<Command>>ask(typedSystem,
                replyTo -> new SpawnProtocol.Spawn<>(typedWorker(), name, org.apache.pekko.actor.typed.Props.empty(), replyTo),
                ASK_TIMEOUT, typedSystem.scheduler()).toCompletableFuture();
        return new TypedTarget(ref.join(), typedSystem);
    }

    /**
     * Spawns {@code n} workers.
     *
     * @param n how many
     * @return their handles
     */
    public Target[] spawn(int n) {
        Target[] targets = new Target[n];
        for (int i = 0; i < n; i++) {
            targets[i] = spawn();
        }
        return targets;
    }

    @Override
    public void close() {
        try {
            if (classic != null) {
                classic.terminate();
                classic.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } else {
                typedSystem.terminate();
                typedSystem.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Pekko did not terminate", e);
        }
    }

    /** A Pekko worker, classic or typed, behind one interface. */
    public interface Target {
        /**
         * Asks for an echo.
         *
         * @param n the value
         * @return a future of the reply
         */
        CompletableFuture<Object> ask(int n);

        /**
         * Tells fire-and-forget work.
         *
         * @param n the amount
         */
        void tell(int n);

        /**
         * Tells the end of a batch.
         *
         * @param latch released when processed
         */
        void done(CountDownLatch latch);
    }

    private record ClassicTarget(ActorRef ref) implements Target {
        private static final Work WORK = new Work(1);

        @Override
        public CompletableFuture<Object> ask(int n) {
            return Patterns.ask(ref, new Ping(n), ASK_TIMEOUT).toCompletableFuture();
        }

        @Override
        public void tell(int n) {
            ref.tell(WORK, ActorRef.noSender());
        }

        @Override
        public void done(CountDownLatch latch) {
            ref.tell(new Done(latch), ActorRef.noSender());
        }
    }

    private record TypedTarget(org.apache.pekko.actor.typed.ActorRef<Command> ref,
                               org.apache.pekko.actor.typed.ActorSystem<?> system) implements Target {
        private static final TypedWork WORK = new TypedWork(1);

        @Override
        public CompletableFuture<Object> ask(int n) {
            return AskPattern.<Command, Object>ask(ref, replyTo -> new Ask(n, replyTo.<Integer>narrow()), ASK_TIMEOUT,
                    system.scheduler()).toCompletableFuture();
        }

        @Override
        public void tell(int n) {
            ref.tell(WORK);
        }

        @Override
        public void done(CountDownLatch latch) {
            ref.tell(new TypedDone(latch));
        }
    }
}
