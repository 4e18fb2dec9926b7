package io.airssys.rt.benchmarks;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.MessageBroker;
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

/**
 * Spec "Throughput": fire-and-forget messages spread over 1, 4 or 16 independent actors,
 * counted only once processed (each invocation waits until every actor has processed its
 * share: a {@link Messages.Done} after the batch, per-sender FIFO).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ThroughputBenchmark {

    /** Messages per invocation. */
    public static final int BATCH = 16_384;

    /** Independent receiving actors. */
    @Param({"1", "4", "16"})
    public int actors;

    /** {@link Settings#NONE}: no instrumentation; {@link Settings#NO_OP}: one whose hooks do nothing. */
    @Param({Settings.NONE, Settings.NO_OP})
    public String instrumentation;

    private ActorSystem system;
    private MessageBroker broker;
    private ActorId[] ids;
    private final Messages.Work work = new Messages.Work(1);

    /** Starts the actors. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(Settings.DEFAULT, instrumentation);
        broker = system.broker();
        ids = new ActorId[actors];
        for (int i = 0; i < actors; i++) {
            ids[i] = system.spawn(Messages.worker()).id();
        }
    }

    /** Stops the system. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
    }

    /**
     * Sends a batch round-robin and waits until it is processed.
     *
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void fireAndForgetProcessed() throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            broker.trySend(ids[i % actors], work);
        }
        CountDownLatch done = new CountDownLatch(actors);
        for (ActorId id : ids) {
            broker.trySend(id, new Messages.Done(done));
        }
        done.await();
    }
}
