package io.airssys.rt.benchmarks;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.MessageBroker;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Spec "Scalability": request-response latency to a random one of N registered actors, so
 * that lookups miss the CPU caches the way they do in a large system.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScalabilityBenchmark {

    /** Registered actors. */
    @Param({"10", "100", "1000", "10000", "100000"})
    public int registered;

    /** The airssys-rt setting. */
    @Param({Settings.DEFAULT, Settings.LOW_LATENCY})
    public String setting;

    private ActorSystem system;
    private MessageBroker broker;
    private ActorId[] ids;
    private int[] order;
    private int next;
    private final Messages.Ping ping = new Messages.Ping(7);

    /** Spawns the actors and a random visiting order. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(setting);
        broker = system.broker();
        ids = new ActorId[registered];
        var behavior = Messages.worker();
        for (int i = 0; i < registered; i++) {
            ids[i] = system.spawn(behavior).id();
        }
        SplittableRandom random = new SplittableRandom(42);
        order = new int[1 << 16];
        for (int i = 0; i < order.length; i++) {
            order[i] = random.nextInt(registered);
        }
    }

    /** Stops the system. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
    }

    /**
     * One round trip to the next random actor.
     *
     * @return the reply
     */
    @Benchmark
    public Integer sendToRandomActor() {
        ActorId target = ids[order[next++ & (order.length - 1)]];
        return broker.send(target, ping).join();
    }
}
