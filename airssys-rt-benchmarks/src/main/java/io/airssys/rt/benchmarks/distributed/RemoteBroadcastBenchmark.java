package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.ActorId;
import io.airssys.rt.benchmarks.BroadcastBenchmark;
import io.airssys.rt.benchmarks.Messages;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.Reply;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 11 "broadcast to 30 actors on 3 nodes": {@value #PER_NODE} echo actors on each node, a
 * request broadcast from node 0 to all {@value #ACTORS} with every reply gathered (one request
 * per node, the registry caught up once per broadcast), two ways as in {@code BroadcastBenchmark}:
 * pipelined ({@value #IN_FLIGHT} in flight, then all joined: broadcasts per second) and one at a
 * time (the time until all replies are in).
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RemoteBroadcastBenchmark {

    /** Actors on each node. */
    public static final int PER_NODE = 10;
    /** Actors in the cluster. */
    public static final int ACTORS = PER_NODE * DistributedFixture.NODES;
    /** Broadcasts in flight in the pipelined variant. */
    public static final int IN_FLIGHT = 8;

    private DistributedFixture fixture;
    private MessageBroker caller;
    private final Messages.Ping ping = new Messages.Ping(1);

    /**
     * Starts the cluster, the nodes and the actors, and checks a broadcast reaches all of them.
     *
     * @throws IOException          if a node cannot start
     * @throws InterruptedException if interrupted
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        fixture = DistributedFixture.startNodes();
        List<ActorId> remote = new ArrayList<>();
        for (int node = 0; node < DistributedFixture.NODES; node++) {
            for (int i = 0; i < PER_NODE; i++) {
                ActorId id = fixture.system(node).spawn(Messages.worker()).id();
                if (node > 0 && i == 0) {
                    remote.add(id);
                }
            }
        }
        caller = fixture.node(0);
        for (ActorId id : remote) {
            fixture.awaitReachable(0, id, ping);
        }
        int replies = caller.broadcast(ping).join().size();
        if (replies != ACTORS) {
            throw new IllegalStateException("a broadcast from node 0 got " + replies + " replies, expected " + ACTORS);
        }
    }

    /** Stops the nodes and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /**
     * Several broadcasts in flight, then every reply gathered.
     *
     * @return the last broadcast's replies
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OperationsPerInvocation(IN_FLIGHT)
    public List<Reply<Integer>> pipelined() {
        return BroadcastBenchmark.pipelined(caller, ping, IN_FLIGHT);
    }

    /**
     * One broadcast, waiting for every reply.
     *
     * @return the replies
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<Reply<Integer>> oneAtATime() {
        return caller.broadcast(ping).join();
    }
}
