package io.airssys.rt.benchmarks.distributed;

import io.airssys.rt.benchmarks.Messages;
import io.nats.client.Connection;
import io.nats.client.Message;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The baseline of {@link RemoteRequestResponseBenchmark}: raw jnats request-reply between a
 * connection to server 0 and a trivial responder (echoes the bytes from its dispatcher thread)
 * on a connection to server 1, with the payload the airssys-rt request carries (the codec's
 * bytes of the same {@code Ping}). Sampled, like the airssys-rt round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RawJnatsRequestReplyBenchmark {

    private DistributedFixture fixture;
    private Connection requester;
    private String subject;
    private byte[] payload;

    /**
     * Starts the cluster, the responder on server 1 and the requester on server 0.
     *
     * @throws IOException          if a connection fails
     * @throws InterruptedException if interrupted
     * @throws TimeoutException     if the responder's subscription is not confirmed
     */
    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException, TimeoutException {
        fixture = DistributedFixture.startCluster();
        subject = fixture.prefix() + ".echo";
        payload = DistributedFixture.CODEC.encode(new Messages.Ping(42));
        fixture.subscribe(1, subject, m -> m.getConnection().publish(m.getReplyTo(), m.getData()));
        requester = fixture.connect(0);
        DistributedFixture.awaitTrue(() -> {
            try {
                requester.requestWithTimeout(subject, payload, java.time.Duration.ofSeconds(1)).join();
                return true;
            } catch (CompletionException | java.util.concurrent.CancellationException notYet) {
                return false;
            }
        }, "a raw request from server 0 to the responder on server 1");
    }

    /** Closes the connections and the cluster. */
    @TearDown(Level.Trial)
    public void stop() {
        fixture.close();
    }

    /**
     * One request and its reply.
     *
     * @return the reply
     */
    @Benchmark
    public Message requestReply() {
        return requester.requestWithTimeout(subject, payload, DistributedFixture.TIMEOUT).join();
    }
}
