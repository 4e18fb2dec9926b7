package io.airssys.rt.testkit;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerTestProbeTest {

    /** The spec's test message. */
    record TestMsg(int id) implements Message<Void> {
    }

    /** The spec's actor protocol, for the mailbox's type parameter. */
    sealed interface MyActor permits TestMsg2 {
    }

    record TestMsg2() implements MyActor, Message<Void> {
    }

    record Other(String s) implements Message<String> {
    }

    /** The spec's {@code test_message_routing}, in Java. */
    @Test
    void test_message_routing() {
        InMemoryMessageBroker broker = new InMemoryMessageBroker();
        BrokerTestProbe probe = new BrokerTestProbe(broker);

        ActorId actorId = ActorId.newId();
        Mailbox<MyActor> mailbox = Mailbox.bounded(10);
        broker.register(actorId, mailbox);

        // Send messages
        for (int i = 0; i < 5; i++) {
            broker.trySend(actorId, new TestMsg(i));
        }

        assertTrue(probe.assertSent(actorId, 5));
        broker.close();
    }

    @Test
    void recordsSendsBroadcastsAndPublishesWhateverTheirOutcome() {
        try (ActorSystem system = ActorSystem.create(); BrokerTestProbe probe = new BrokerTestProbe(system.broker())) {
            var broker = system.broker();
            ActorId a = system.spawn(Behaviors.receive().on(Other.class, Other::s).build());
            ActorId b = system.spawn(Behaviors.receive().on(Other.class, Other::s).build());
            broker.subscribe(b, "t.*");
            broker.send(a, new Other("1")).join();
            broker.send(ActorId.of(404), new Other("lost")); // fails, still recorded
            broker.broadcast(new Other("all")).join();
            broker.publish("t.x", new Other("pub")).join();
            broker.sendWithRouting(RoutingKey.of("t.y"), new Other("routed")).join();

            assertThat(probe.assertSent(a, 2)).isTrue();               // send + broadcast
            assertThat(probe.assertSent(b, 3)).isTrue();               // broadcast + publish + routed
            assertThat(probe.assertSent(ActorId.of(404), 1)).isTrue();
            assertThat(probe.assertBroadcast(2)).isTrue();
            assertThat(probe.assertBroadcast(3)).isFalse();
            assertThat(probe.publishes()).singleElement().satisfies(p -> {
                assertThat(p.topic()).isEqualTo("t.x");
                assertThat(p.targets()).containsExactly(b);
            });
            assertThat(probe.sentTo(b)).extracting(m -> ((Other) m).s()).containsExactly("all", "pub", "routed");
        }
    }

    @Test
    void expectationsWaitForMessagesAndConsumeThemInOrder() {
        InMemoryMessageBroker broker = new InMemoryMessageBroker();
        try (BrokerTestProbe probe = new BrokerTestProbe(broker)) {
            ActorId id = ActorId.newId();
            broker.register(id, Mailbox.unbounded());
            Thread sender = Thread.ofPlatform().start(() -> {
                broker.trySend(id, new TestMsg(7));
                broker.send(id, new Other("x"));
            });
            assertThat(probe.expectMessage(id, TestMsg.class, Duration.ofSeconds(10)).id()).isEqualTo(7);
            assertThat(probe.expectMessage(id, Other.class, Duration.ofSeconds(10)).s()).isEqualTo("x");
            probe.expectNoMessage(id, Duration.ofMillis(20));
            broker.trySend(id, new TestMsg(8));
            assertThatThrownBy(() -> probe.expectMessage(id, Other.class, Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("TestMsg[id=8]");
            assertThatThrownBy(() -> probe.expectMessage(id, Other.class, Duration.ofMillis(10)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("none was");
            broker.trySend(id, new TestMsg(9));
            assertThatThrownBy(() -> probe.expectNoMessage(id, Duration.ofMillis(10)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("TestMsg[id=9]");
            sender.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            broker.close();
        }
    }

    @Test
    void resetForgetsAndCloseStopsRecording() {
        InMemoryMessageBroker broker = new InMemoryMessageBroker();
        BrokerTestProbe probe = new BrokerTestProbe(broker);
        ActorId id = ActorId.newId();
        broker.register(id, Mailbox.unbounded());
        broker.trySend(id, new TestMsg(1));
        probe.reset();
        assertThat(probe.assertSent(id, 0)).isTrue();
        broker.trySend(id, new TestMsg(2));
        probe.close();
        broker.trySend(id, new TestMsg(3));
        assertThat(probe.sentTo(id)).containsExactly(new TestMsg(2));
        broker.close();
    }
}
