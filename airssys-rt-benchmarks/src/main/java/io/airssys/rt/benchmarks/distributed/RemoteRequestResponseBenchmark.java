package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.ActorId;
import io.airssys.rt.benchmarks.Messages;
import io.airssys.rt.broker.MessageBroker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11 "remote round trip": node 0 sends a request to an echo actor on node 1 (another
 * server of the cluster) and waits for the reply, sampled so that the median and p99 are
 * reported. Compared with {@link RawJnatsRequestReplyBenchmark} (target: at most 1.2x its time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RemoteRequestResponseBenchmark {

    private DistributedFixture fixture;
    private MessageBroker caller;
    private ActorId echo;
    private final Messages.Ping ping = new Messages.Ping(42);

    /**
     * Starts the cluster, the nodes and the echo actor on node 1.
     *
     * @throws IOException          if a node cannot start
     * @throws InterruptedException if interrupted
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        fixture = DistributedFixture.startNodes();
        echo = fixture.system(1).spawn(Messages.worker()).id();
        caller = fixture.node(0);
        fixture.awaitReachable(0, echo, ping);
    }

    /** Stops the nodes and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /**
     * One round trip across the cluster.
     *
     * @return the reply
     */
    @Benchmark
    public Integer roundTrip() {
        return caller.send(echo, ping).join();
    }
}
