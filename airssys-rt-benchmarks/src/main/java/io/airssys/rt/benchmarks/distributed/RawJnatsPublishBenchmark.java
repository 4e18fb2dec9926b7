package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.benchmarks.Messages;
import io.nats.client.Connection;
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
import java.util.concurrent.TimeoutException;

/**
 * The baseline of {@link RemoteThroughputBenchmark}: raw jnats publishes a batch of
 * {@value RemoteThroughputBenchmark#BATCH} messages (the codec's bytes of the same {@code Work})
 * from a connection to server 0 to a subscriber on a connection to server 1 that counts them;
 * the invocation ends when all have arrived. Messages received per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawJnatsPublishBenchmark {

    private static final int BATCH = RemoteThroughputBenchmark.BATCH;
    private static final byte[] PROBE = new byte[0];

    private DistributedFixture fixture;
    private Connection publisher;
    private String subject;
    private byte[] payload;
    private final Arrivals received = new Arrivals();
    private final Arrivals probes = new Arrivals();
    private long expected;

    /**
     * Starts the cluster, the counting subscriber on server 1 and the publisher on server 0, and
     * waits until a publish from server 0 reaches the subscriber.
     *
     * @throws IOException          if a connection fails
     * @throws InterruptedException if interrupted
     * @throws TimeoutException     if the subscription is not confirmed
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException, TimeoutException {
        fixture = DistributedFixture.startCluster();
        subject = fixture.prefix() + ".sink";
        payload = DistributedFixture.CODEC.encode(new Messages.Work(1));
        // empty probes prove the subscription crossed the routes; only real payloads are counted
        fixture.subscribe(1, subject, m -> (m.getData().length == 0 ? probes : received).add());
        publisher = fixture.connect(0);
        DistributedFixture.awaitTrue(() -> {
            publisher.publish(subject, PROBE);
            return probes.count() > 0;
        }, "a raw publish from server 0 to the subscriber on server 1");
    }

    /** Closes the connections and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /** Publishes a batch and waits until the subscriber has received it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publishReceived() {
        for (int i = 0; i < BATCH; i++) {
            publisher.publish(subject, payload);
        }
        expected += BATCH;
        received.awaitAtLeast(expected);
    }
}
