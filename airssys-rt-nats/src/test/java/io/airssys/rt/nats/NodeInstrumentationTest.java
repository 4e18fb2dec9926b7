package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.instrument.Outcome;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.RecordingInstrumentation;
import io.airssys.rt.testkit.RecordingInstrumentation.Event;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Echo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code DistributedMessageBroker.Builder.instrumentation}: the receiving node's hooks see a
 * message sent from another node, from its arrival to its outcome; the sending node's do not.
 */
@WithNatsCluster(servers = 1)
class NodeInstrumentationTest {

    static NatsCluster cluster;

    @Test
    void theReceivingNodesHooksSeeARemoteRequestFromArrivalToOutcome() throws Exception {
        RecordingInstrumentation sender = new RecordingInstrumentation();
        RecordingInstrumentation receiver = new RecordingInstrumentation();
        try (NatsNodes nodes = new NatsNodes(cluster)) {
            DistributedMessageBroker a = nodes.startNode(0, NatsNodes.contractCodec(), b -> b.instrumentation(sender));
            DistributedMessageBroker b = nodes.startNode(0, NatsNodes.contractCodec(), x -> x.instrumentation(receiver));
            try (ActorSystem onB = ActorSystem.builder().broker(b).build()) {
                ActorId echo = onB.spawn(Behaviors.receive().on(Echo.class, Echo::text).build()).id();
                assertThat(receiver.events(Event.Registered.class)).extracting(Event.Registered::actor)
                        .containsExactly(echo);

                assertThat(a.send(echo, new Echo("across")).get(20, TimeUnit.SECONDS)).isEqualTo("across");

                await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.events(Event.Retired.class).isEmpty());
                List<Event.Sent> sends = receiver.sends();
                assertThat(sends).singleElement().satisfies(s -> {
                    assertThat(s.target()).isEqualTo(echo);
                    assertThat(s.message()).isEqualTo(new Echo("across"));
                });
                assertThat(receiver.startsOf(sends.get(0))).hasSize(1);
                assertThat(receiver.outcomesOf(sends.get(0))).extracting(Event.Retired::outcome)
                        .containsExactly(Outcome.REPLIED);
                assertThat(sender.sends()).as("the sending node does not see a send to another node").isEmpty();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.events(Event.Unregistered.class).isEmpty());
        }
    }
}
