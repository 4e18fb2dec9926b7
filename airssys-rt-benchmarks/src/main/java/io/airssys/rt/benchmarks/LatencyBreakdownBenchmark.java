package io.airssys.rt.benchmarks;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.mailbox.Mailbox;
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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Spec "Latency Breakdown" and {@code try_send}: the routing lookup alone, a try-send into an
 * idle mailbox (lookup + enqueue), and a try-send to a live actor (the spec's try_send row).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LatencyBreakdownBenchmark {

    /** Messages per invocation of the batched benchmark. */
    static final int BATCH = 1024;

    private ActorSystem system;
    private MessageBroker broker;
    private ActorId live;
    private InMemoryMessageBroker idleBroker;
    private ActorId idle;
    private final Messages.Work work = new Messages.Work(1);

    /** Starts a live actor, and a second broker for the idle mailbox. */
    @Setup(Level.Trial)
    public void start() {
        system = Settings.system(Settings.DEFAULT);
        broker = system.broker();
        live = system.spawn(Messages.worker()).id();
        idleBroker = InMemoryMessageBroker.builder().noDefaultTimeout().build();
        idle = ActorId.of(1);
    }

    /** Registers a fresh idle mailbox for each batch. */
    @Setup(Level.Invocation)
    public void freshIdleMailbox() {
        idleBroker.register(idle, Mailbox.unbounded());
    }

    /** Drops the batch (its messages are dead-lettered, outside the measurement). */
    @TearDown(Level.Invocation)
    public void dropIdleMailbox() {
        idleBroker.unregister(idle);
        idleBroker.deadLetters().drain();
    }

    /**
     * Lets the live actor catch up so that its queue does not grow across iterations.
     *
     * @throws InterruptedException if interrupted
     */
    @TearDown(Level.Iteration)
    public void drainLiveActor() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        broker.trySend(live, new Messages.Done(done));
        done.await(60, TimeUnit.SECONDS);
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void stop() {
        system.close();
        idleBroker.close();
    }

    /**
     * The routing-table lookup alone.
     *
     * @return whether the actor is registered
     */
    @Benchmark
    public boolean routingLookup() {
        return broker.isRegistered(live);
    }

    /** Try-send into an idle mailbox: lookup + enqueue, nothing scheduled. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void lookupAndEnqueue() {
        for (int i = 0; i < BATCH; i++) {
            idleBroker.trySend(idle, work);
        }
    }

    /** Spec {@code try_send}: fire-and-forget to a live actor, which processes concurrently. */
    @Benchmark
    public void trySend() {
        broker.trySend(live, work);
    }
}
