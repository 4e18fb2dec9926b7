package io.airssys.rt.benchmarks;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.RoutingKey;
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

import java.util.concurrent.TimeUnit;

/**
 * Spec "Custom Routing": a request routed by topic to one subscriber, against a plain send to
 * the same actor in the same run. 1,000 other actors hold 2,000 unrelated subscriptions so
 * that matching works on a populated tree. Low-latency setting, so that the difference is the
 * routing and not thread wake-ups.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicRoutingBenchmark {

    /** How the receiving actor subscribed. */
    @Param({"exact", "wildcard"})
    public String subscription;

    private ActorSystem system;
    private MessageBroker broker;
    private ActorId target;
    private RoutingKey key;
    private final Messages.Ping ping = new Messages.Ping(3);

    /** Spawns the subscribers. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(Settings.LOW_LATENCY); // routing cost, not wake-ups
        broker = system.broker();
        var behavior = Messages.worker();
        for (int i = 0; i < 1_000; i++) {
            ActorId other = system.spawn(behavior).id();
            broker.subscribe(other, "tenant" + i + ".orders.created");
            broker.subscribe(other, "tenant" + i + ".*.deleted");
        }
        target = system.spawn(behavior).id();
        broker.subscribe(target, subscription.equals("exact") ? "shop.orders.created" : "shop.*.>");
        key = new RoutingKey("shop.orders.created", Priority.NORMAL);
    }

    /** Stops the system. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
    }

    /**
     * A request routed by topic.
     *
     * @return the reply
     */
    @Benchmark
    public Integer routedByTopic() {
        return broker.sendWithRouting(key, ping).join();
    }

    /**
     * The same request sent straight to the actor.
     *
     * @return the reply
     */
    @Benchmark
    public Integer plainSend() {
        return broker.send(target, ping).join();
    }
}
