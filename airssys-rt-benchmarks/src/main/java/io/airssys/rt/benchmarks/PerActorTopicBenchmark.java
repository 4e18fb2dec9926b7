package io.airssys.rt.benchmarks;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Per-actor topics (issue #8, item 13): every actor subscribed to its own
 * {@code user.<id>.events}, so the {@code user} level of the subject tree has one child per
 * actor. Measures, with {@link #subscribed} such subscriptions in place:
 * <ul>
 *   <li>one more actor subscribing to a topic of its own and unsubscribing again (the tree
 *       stays at its size; before the fix each half copied every id under {@code user}:
 *       120-150 µs at 5,000 actors, ~1.2 ms at 20,000);</li>
 *   <li>a publish to one actor's topic, waiting for its reply (a cached match), and a publish
 *       to each actor's topic in turn (mostly uncached: more topics than the match cache holds
 *       at 20,000).</li>
 * </ul>
 * Low-latency setting, so that the difference is the routing and not thread wake-ups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerActorTopicBenchmark {

    /** Topics the newcomer cycles through (a power of two). */
    private static final int NEW_TOPICS = 1024;

    /** Actors already subscribed to their own topic. */
    @Param({"5000", "20000"})
    public int subscribed;

    private ActorSystem system;
    private MessageBroker broker;
    private ActorId newcomer;
    private String[] existingTopics;
    private final String[] newTopics = new String[NEW_TOPICS];
    private String oneTopic;
    private int next;
    private final Messages.Ping ping = new Messages.Ping(5);

    /** Spawns and subscribes the actors. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(Settings.LOW_LATENCY); // routing cost, not wake-ups
        broker = system.broker();
        var behavior = Messages.worker();
        existingTopics = new String[subscribed];
        for (int i = 0; i < subscribed; i++) {
            ActorId actor = system.spawn(behavior).id();
            existingTopics[i] = "user." + actor.asLong() + ".events";
            broker.subscribe(actor, existingTopics[i]);
        }
        newcomer = system.spawn(behavior).id();
        for (int i = 0; i < NEW_TOPICS; i++) {
            newTopics[i] = "user.new-" + i + ".events";
        }
        oneTopic = existingTopics[subscribed / 2];
    }

    /** Stops the system. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
    }

    /**
     * One more actor subscribes to a topic of its own, then unsubscribes.
     *
     * @return whether the unsubscribe found the subscription
     */
    @Benchmark
    public boolean subscribeAndUnsubscribe() {
        String topic = newTopics[next++ & (NEW_TOPICS - 1)];
        broker.subscribe(newcomer, topic);
        return broker.unsubscribe(newcomer, topic);
    }

    /**
     * A request published to one actor's topic, waiting for the reply.
     *
     * @return the replies
     */
    @Benchmark
    public List<Reply<Integer>> publishToOne() {
        return broker.publish(oneTopic, ping).join();
    }

    /**
     * A request published to each actor's topic in turn, waiting for the reply.
     *
     * @return the replies
     */
    @Benchmark
    public List<Reply<Integer>> publishToEachInTurn() {
        int i = next++;
        if (next == subscribed) {
            next = 0;
        }
        return broker.publish(existingTopics[i], ping).join();
    }
}
