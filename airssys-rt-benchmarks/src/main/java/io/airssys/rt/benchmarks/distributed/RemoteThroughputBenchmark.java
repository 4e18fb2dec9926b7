package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.ActorId;
import io.airssys.rt.benchmarks.Messages;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.actor.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11 "remote fire-and-forget": node 0 {@code trySend}s a batch of {@value #BATCH} messages
 * to a counting actor on node 1, and the invocation ends when the actor has processed all of them
 * (as in {@code ThroughputBenchmark}): messages processed per second. Compared with
 * {@link RawJnatsPublishBenchmark} (target: at least 0.8x its rate).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RemoteThroughputBenchmark {

    /** Messages per invocation (the raw publish baseline uses the same). */
    public static final int BATCH = 16_384;

    private DistributedFixture fixture;
    private MessageBroker sender;
    private ActorId counter;
    private final Arrivals processed = new Arrivals();
    private final Messages.Work work = new Messages.Work(1);
    private long expected;

    /**
     * Starts the cluster, the nodes and the counting actor on node 1.
     *
     * @throws IOException          if a node cannot start
     * @throws InterruptedException if interrupted
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        fixture = DistributedFixture.startNodes();
        counter = fixture.system(1).spawn(Behaviors.receive()
                .on(Messages.Ping.class, Messages.Ping::n)
                .onTell(Messages.Work.class, w -> processed.add())
                .build()).id();
        sender = fixture.node(0);
        fixture.awaitReachable(0, counter, new Messages.Ping(1));
    }

    /** Stops the nodes and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** Sends a batch and waits until the remote actor has processed it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void fireAndForgetProcessed() {
        for (int i = 0; i < BATCH; i++) {
            sender.trySend(counter, work);
        }
        expected += BATCH;
        processed.awaitAtLeast(expected);
    }
}
