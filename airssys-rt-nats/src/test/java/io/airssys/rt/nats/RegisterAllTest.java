package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Echo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link DistributedMessageBroker#registerAll}: many registrations pipelined, each atomic across
 * the cluster on its own; the refused ones come back with the error {@code register} throws.
 */
@WithNatsCluster(servers = 1)
class RegisterAllTest {

    static NatsCluster cluster;

    @Test
    void registersEveryFreeIdAndRefusesOneTakenOnAnotherNode() throws Exception {
        try (NatsNodes nodes = new NatsNodes(cluster)) {
            List<DistributedMessageBroker> brokers = nodes.start(2);
            DistributedMessageBroker a = brokers.get(0);
            DistributedMessageBroker b = brokers.get(1);
            try (ActorSystem onA = ActorSystem.builder().broker(a).build();
                 ActorSystem onB = ActorSystem.builder().broker(b).build()) {
                ActorId taken = onB.spawn(Behaviors.receive().on(Echo.class, e -> "from b").build()).id();
                await().atMost(Duration.ofSeconds(10)).until(() -> a.isRegistered(taken));

                Map<ActorId, Mailbox<?>> batch = new LinkedHashMap<>();
                for (int i = 0; i < 500; i++) {
                    batch.put(ActorId.newId(), Mailbox.unbounded());
                }
                batch.put(taken, Mailbox.unbounded());

                Map<ActorId, RuntimeException> refused = a.registerAll(batch);

                assertThat(refused).containsOnlyKeys(taken);
                assertThat(refused.get(taken)).isInstanceOfSatisfying(BrokerException.class,
                        e -> assertThat(e.error()).isEqualTo(BrokerError.ALREADY_REGISTERED));
                batch.remove(taken);
                assertThat(batch.keySet()).allSatisfy(id -> assertThat(a.isRegistered(id)).isTrue());
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> batch.keySet().stream().allMatch(b::isRegistered));
                assertThat(a.registeredCount()).isEqualTo(501);

                batch.values().forEach(m -> onA.attach(Behaviors.receive().on(Echo.class, Echo::text).build(), m));
                ActorId any = batch.keySet().iterator().next();
                assertThat(b.send(any, new Echo("reached")).get(20, TimeUnit.SECONDS)).isEqualTo("reached");
                assertThat(b.send(taken, new Echo("x")).get(20, TimeUnit.SECONDS)).isEqualTo("from b");
            }
        }
    }

    @Test
    void nothingToRegisterIsNothingRefused() throws Exception {
        try (NatsNodes nodes = new NatsNodes(cluster)) {
            DistributedMessageBroker a = nodes.start(1).get(0);
            assertThat(a.registerAll(Map.of())).isEmpty();
        }
    }
}
