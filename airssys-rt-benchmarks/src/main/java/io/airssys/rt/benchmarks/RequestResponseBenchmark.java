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

import java.util.concurrent.TimeUnit;

/**
 * Spec "Send latency ~737 ns (includes actor processing)": one request-response round trip
 * through the broker to an actor and back, sampled so that the median and p99 are reported.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestResponseBenchmark {

    /** The airssys-rt setting. */
    @Param({Settings.DEFAULT, Settings.LOW_LATENCY})
    public String setting;

    /** {@link Settings#NONE}: no instrumentation; {@link Settings#NO_OP}: one whose hooks do nothing. */
    @Param({Settings.NONE, Settings.NO_OP})
    public String instrumentation;

    private ActorSystem system;
    private MessageBroker broker;
    private ActorId echo;
    private final Messages.Ping ping = new Messages.Ping(42);

    /** Starts the system and the echo actor. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(setting, instrumentation);
        broker = system.broker();
        echo = system.spawn(Messages.worker()).id();
    }

    /** Stops the system. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
    }

    /**
     * One round trip.
     *
     * @return the reply
     */
    @Benchmark
    public Integer roundTrip() {
        return broker.send(echo, ping).join();
    }
}
