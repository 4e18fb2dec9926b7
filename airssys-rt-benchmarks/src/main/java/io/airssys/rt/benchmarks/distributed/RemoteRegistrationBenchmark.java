package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.benchmarks.Messages;
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

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11 "cluster-wide registrations per second": actors spawned one after another on node 0,
 * each registration one round trip to the registry (an atomic JetStream KV create, replicated to
 * the 3 servers) while the other two nodes watch the bucket. The report shows the rate and what
 * 100,000 actors would take at it; {@link #registerAllPipelined} does the same through
 * {@code registerAll}, {@value #BATCH} registrations in flight at a time.
 *
 * <p>The actors stay registered until the trial ends; closing node 0 then removes each from the
 * registry (one round trip per actor, outside the measurement, a few seconds per thousand).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RemoteRegistrationBenchmark {

    private DistributedFixture fixture;
    private ActorSystem system;

    /**
     * Starts the cluster and the nodes.
     *
     * @throws IOException          if a node cannot start
     * @throws InterruptedException if interrupted
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        fixture = DistributedFixture.startNodes();
        system = fixture.system(0);
    }

    /** Stops the nodes and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /**
     * Spawns one actor on node 0: registered in the cluster when this returns.
     *
     * @return its id
     */
    @Benchmark
    public ActorId register() {
        return system.spawn(Messages.worker()).id();
    }

    /** Registrations per {@link #registerAllPipelined} call. */
    public static final int BATCH = 512;

    /**
     * Registers {@value #BATCH} actors on node 0 with {@code registerAll} (their registry round
     * trips pipelined) and attaches them: each is registered in the cluster when this returns.
     *
     * @return how many were refused (0)
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int registerAllPipelined() throws InterruptedException {
        Map<ActorId, Mailbox<?>> batch = new HashMap<>();
        for (int i = 0; i < BATCH; i++) {
            batch.put(ActorId.newId(), Mailbox.unbounded());
        }
        Map<ActorId, RuntimeException> refused = fixture.node(0).registerAll(batch);
        if (!refused.isEmpty()) {
            throw new IllegalStateException("registrations refused: " + refused);
        }
        for (Mailbox<?> m : batch.values()) {
            system.attach(Messages.worker(), m);
        }
        return refused.size();
    }
}
