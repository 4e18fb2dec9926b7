package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backlog rule of {@link OutboundBatches}: a producer that finds more messages waiting for a
 * node than the backlog allows publishes a batch itself, so a writer that is outrun cannot let
 * the queue grow without bound (docs/distributed.md, "Fire-and-forget is batched"). With a
 * backlog of 0 every producer publishes what is queued before its {@code tell} returns.
 */
@WithNatsCluster
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboundBacklogTest {

    static NatsCluster cluster;

    @Test
    void aProducerOverTheBacklogPublishesWhatIsQueuedItself() throws Exception {
        try (NatsClients clients = cluster.connect(0)) {
            Connection c = clients.get(0);
            Subscription node7 = c.subscribe("backlog.node.7");
            c.flush(Duration.ofSeconds(5));
            OutboundBatches outbound = new OutboundBatches(c, "backlog", 1, new DeadLetterQueue(), 0);
            try {
                byte[] body = Wire.body(Wire.request(Wire.Op.TELL, ActorId.of(3), "t", Priority.NORMAL, 0, java.util.Map.of()),
                        new byte[] {1, 2, 3});
                int n = 1_000;
                for (int i = 0; i < n; i++) {
                    outbound.tell(7, new NodeOutbound.Tell(body, ActorId.of(3), null, Priority.NORMAL));
                    assertThat(outbound.unsent(7)).as("queued after tell %d returned", i).isZero();
                }
                int frames = 0;
                while (frames < n) {
                    io.nats.client.Message m = node7.nextMessage(Duration.ofSeconds(10));
                    assertThat(m).as("NATS messages after %d of %d frames", frames, n).isNotNull();
                    frames += m.getData()[0] == Wire.BATCH ? Wire.batchFrames(m.getData()).size() : 1;
                }
                assertThat(frames).isEqualTo(n);
            } finally {
                outbound.close();
            }
        }
    }
}
