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

import java.util.concurrent.TimeUnit;

/** Pekko's request-response: one ask round trip, sampled for median and p99. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PekkoAskBenchmark {

    /** The Pekko configuration. */
    @Param({PekkoFixture.CLASSIC_DEFAULT, PekkoFixture.CLASSIC_TUNED, PekkoFixture.TYPED_DEFAULT,
            PekkoFixture.TYPED_TUNED})
    public String setting;

    private PekkoFixture pekko;
    private PekkoFixture.Target echo;

    /** Starts Pekko and the echo actor. */
    @Setup(Level.Trial)
    public void start() {
        pekko = new PekkoFixture(setting);
        echo = pekko.spawn();
    }

    /** Stops Pekko. */
    @TearDown(Level.Trial)
    public void stop() {
        pekko.close();
    }

    /**
     * One ask round trip.
     *
     * @return the reply
     */
    @Benchmark
    public Object ask() {
        return echo.ask(42).join();
    }
}
