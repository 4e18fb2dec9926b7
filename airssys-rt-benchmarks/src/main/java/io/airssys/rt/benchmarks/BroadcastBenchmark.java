package io.airssys.rt.benchmarks;

import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Spec "Broadcast (10 actors) ~12M msgs/sec", "(100 actors) 8M": a request broadcast to every
 * actor with every reply gathered, two ways: pipelined ({@value #IN_FLIGHT} broadcasts in
 * flight, then all joined: broadcasts per second, times the actor count = deliveries per
 * second) and one at a time (the latency until all replies are in).
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BroadcastBenchmark {

    /** Broadcasts in flight in the pipelined variant. */
    public static final int IN_FLIGHT = 32;

    /** Registered actors, all receivers. */
    @Param({"10", "100"})
    public int actors;

    /** The airssys-rt setting. */
    @Param({Settings.DEFAULT, Settings.LOW_LATENCY})
    public String setting;

    private ActorSystem system;
    private MessageBroker broker;
    private final Messages.Ping ping = new Messages.Ping(1);

    /** Starts the actors. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(setting);
        broker = system.broker();
        for (int i = 0; i < actors; i++) {
            system.spawn(Messages.worker());
        }
    }

    /** Stops the system. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
    }

    /**
     * Many broadcasts in flight, then every reply gathered.
     *
     * @return the last broadcast's replies
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(IN_FLIGHT)
    public List<Reply<Integer>> pipelined() {
        return pipelined(broker, ping, IN_FLIGHT);
    }

    /**
     * Starts {@code inFlight} broadcasts at once, then joins every one (the pipelined variant,
     * shared with the distributed broadcast benchmark).
     *
     * @param broker   the broker that broadcasts
     * @param message  the request
     * @param inFlight how many broadcasts are started before the first is joined
     * @param <R>      the reply type
     * @return the last broadcast's replies
     */
    public static <R> List<Reply<R>> pipelined(MessageBroker broker, Message<R> message, int inFlight) {
        List<CompletableFuture<List<Reply<R>>>> all = new ArrayList<>(inFlight);
        for (int i = 0; i < inFlight; i++) {
            all.add(broker.broadcast(message));
        }
        List<Reply<R>> last = null;
        for (CompletableFuture<List<Reply<R>>> f : all) {
            last = f.join();
        }
        return last;
    }

    /**
     * One broadcast, waiting for every reply.
     *
     * @return the replies
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public List<Reply<Integer>> oneAtATime() {
        return broker.broadcast(ping).join();
    }
}
