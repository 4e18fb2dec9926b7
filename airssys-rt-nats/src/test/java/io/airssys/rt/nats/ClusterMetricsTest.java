package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Echo;
import io.airssys.rt.testkit.contract.BrokerContractSupport.TaggedTick;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link DistributedMessageBroker#clusterMetrics()}: every node's counters, summed. */
@WithNatsCluster(servers = 1)
class ClusterMetricsTest {

    static NatsCluster cluster;

    @Test
    void theClusterViewIsTheSumOfEveryNodesCounters() throws Exception {
        try (NatsNodes nodes = new NatsNodes(cluster)) {
            List<DistributedMessageBroker> brokers = nodes.start(3);
            List<ActorSystem> systems = new ArrayList<>();
            List<ActorId> actors = new ArrayList<>();
            for (DistributedMessageBroker b : brokers) {
                ActorSystem s = ActorSystem.builder().broker(b).build();
                systems.add(s);
                actors.add(s.spawn(Behaviors.receive().on(Echo.class, Echo::text).onTell(TaggedTick.class, t -> { })
                        .build()).id());
            }
            for (ActorId a : actors) {
                for (int i = 0; i < 5; i++) {
                    assertThat(brokers.get(0).send(a, new Echo("m" + i)).get(20, TimeUnit.SECONDS)).isEqualTo("m" + i);
                }
            }
            brokers.get(1).trySend(actors.get(2), new TaggedTick("t"));
            brokers.get(1).trySend(actors.get(2), new TaggedTick("u"));
            await().atMost(Duration.ofSeconds(20)).until(() -> brokers.get(2).metrics().totalDelivered() == 7);

            BrokerMetrics total = brokers.get(1).clusterMetrics();

            assertThat(total.registeredActors()).isEqualTo(3);
            assertThat(total.totalDelivered()).isEqualTo(17); // 15 requests + 2 fire-and-forget, each counted once
            assertThat(total.totalSent()).isEqualTo(17);
            assertThat(total.totalFailed()).isZero();
            long delivered = 0;
            for (DistributedMessageBroker b : brokers) {
                delivered += b.metrics().totalDelivered();
            }
            assertThat(total.totalDelivered()).isEqualTo(delivered);
            assertThat(brokers.get(0).metrics().totalDelivered()).isEqualTo(5); // a node's own view: its actor only
            systems.forEach(ActorSystem::close);
        }
    }
}
