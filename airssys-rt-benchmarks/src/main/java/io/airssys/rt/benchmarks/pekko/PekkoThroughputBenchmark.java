package io.airssys.rt.benchmarks.pekko;

import io.airssys.rt.benchmarks.ThroughputBenchmark;
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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Pekko's counterpart of {@link ThroughputBenchmark}: tells counted once processed. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PekkoThroughputBenchmark {

    /** Independent receiving actors. */
    @Param({"1", "4", "16"})
    public int actors;

    /** The Pekko configuration. */
    @Param({PekkoFixture.CLASSIC_DEFAULT, PekkoFixture.CLASSIC_TUNED, PekkoFixture.TYPED_TUNED})
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

    /**
     * Tells a batch round-robin and waits until it is processed.
     *
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(ThroughputBenchmark.BATCH)
    public void tellProcessed() throws InterruptedException {
        for (int i = 0; i < ThroughputBenchmark.BATCH; i++) {
            targets[i % actors].tell(1);
        }
        CountDownLatch done = new CountDownLatch(actors);
        for (PekkoFixture.Target t : targets) {
            t.done(done);
        }
        done.await();
    }
}
