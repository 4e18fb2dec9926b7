package io.airssys.rt.benchmarks.pekko;

import io.airssys.rt.benchmarks.BroadcastBenchmark;
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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pekko's counterpart of {@link BroadcastBenchmark}: ask every actor and gather every reply
 * (ask-all), pipelined and one at a time.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PekkoBroadcastBenchmark {

    /** Receiving actors. */
    @Param({"10", "100"})
    public int actors;

    /** The Pekko configuration. */
    @Param({PekkoFixture.CLASSIC_DEFAULT, PekkoFixture.CLASSIC_TUNED})
    public String setting;

    private PekkoFixture pekko;
    private PekkoFixture.Target[] targets;

    /** Starts the actors. */
    @Setup(Level.Trial)
    public void start() {
        pekko = new PekkoFixture(setting);
        targets = pekko.spawn(actors);
    }

    /** Stops Pekko. */
    @TearDown(Level.Trial)
    public void stop() {
        pekko.close();
    }

    private CompletableFuture<Void> askAll() {
        CompletableFuture<?>[] replies = new CompletableFuture<?>[targets.length];
        for (int i = 0; i < targets.length; i++) {
            replies[i] = targets[i].ask(1);
        }
        return CompletableFuture.allOf(replies);
    }

    /** Many ask-alls in flight, then every reply gathered. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(BroadcastBenchmark.IN_FLIGHT)
    public void pipelined() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[BroadcastBenchmark.IN_FLIGHT];
        for (int i = 0; i < all.length; i++) {
            all[i] = askAll();
        }
        CompletableFuture.allOf(all).join();
    }

    /** One ask-all, waiting for every reply. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void oneAtATime() {
        askAll().join();
    }
}
