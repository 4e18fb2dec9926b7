package io.airssys.rt.benchmarks.pekko;

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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Pekko's fire-and-forget cost: one tell to a live actor (the counterpart of try_send). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PekkoTellBenchmark {

    /** The Pekko configuration. */
    @Param({PekkoFixture.CLASSIC_DEFAULT, PekkoFixture.CLASSIC_TUNED})
    public String setting;

    private PekkoFixture pekko;
    private PekkoFixture.Target live;

    /** Starts Pekko and the actor. */
    @Setup(Level.Trial)
    public void start() {
        pekko = new PekkoFixture(setting);
        live = pekko.spawn();
    }

    /**
     * Lets the actor catch up between iterations.
     *
     * @throws InterruptedException if interrupted
     */
    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        live.done(done);
        done.await(60, TimeUnit.SECONDS);
    }

    /** Stops Pekko. */
    @TearDown(Level.Trial)
    public void stop() {
        pekko.close();
    }

    /** One tell. */
    @Benchmark
    public void tell() {
        live.tell(1);
    }
}
