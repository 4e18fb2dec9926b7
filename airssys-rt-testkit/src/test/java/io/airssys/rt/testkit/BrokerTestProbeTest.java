package io.airssys.rt.testkit;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.RoutingKey;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.mailbox.OverflowStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

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
            ActorId a = system.spawn(Behaviors.receive().on(Other.class, Other::s).build()).id();
            ActorId b = system.spawn(Behaviors.receive().on(Other.class, Other::s).build()).id();
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

    @Test
    void assertSentCountsRefusedSendsAndAssertAcceptedLeavesThemOut() {
        InMemoryMessageBroker broker = new InMemoryMessageBroker();
        try (BrokerTestProbe probe = new BrokerTestProbe(broker)) {
            ActorId full = ActorId.newId();
            broker.register(full, Mailbox.builder().capacity(2).overflow(OverflowStrategy.FAIL).build());
            broker.trySend(full, new TestMsg(1));
            broker.trySend(full, new TestMsg(2));
            assertThatThrownBy(() -> broker.trySend(full, new TestMsg(3))).isInstanceOf(SendException.class);
            ActorId dropping = ActorId.newId();
            broker.register(dropping, Mailbox.builder().capacity(1).overflow(OverflowStrategy.DROP_NEWEST).build());
            broker.trySend(dropping, new TestMsg(4));
            broker.trySend(dropping, new TestMsg(5)); // dropped quietly on arrival
            ActorId evicting = ActorId.newId();
            broker.register(evicting, Mailbox.builder().capacity(1).overflow(OverflowStrategy.DROP_OLDEST).build());
            broker.trySend(evicting, new TestMsg(6));
            broker.trySend(evicting, new TestMsg(7)); // accepted; 6 was accepted too, then evicted
            ActorId nobody = ActorId.of(404);
            assertThatThrownBy(() -> broker.trySend(nobody, new TestMsg(8))).isInstanceOf(SendException.class);

            assertThat(probe.assertSent(full, 3)).isTrue();
            assertThat(probe.assertAccepted(full, 2)).isTrue();
            assertThat(probe.assertSent(dropping, 2)).isTrue();
            assertThat(probe.assertAccepted(dropping, 1)).isTrue();
            assertThat(probe.assertAccepted(evicting, 2)).isTrue();
            assertThat(probe.assertSent(nobody, 1)).isTrue();
            assertThat(probe.assertAccepted(nobody, 0)).isTrue();

            broker.unregister(full); // its two queued messages are dead-lettered as ACTOR_STOPPED
            assertThat(probe.assertAccepted(full, 2)).isTrue(); // they had been accepted
            assertThatThrownBy(() -> broker.trySend(full, new TestMsg(9))).isInstanceOf(SendException.class);
            assertThat(probe.assertAccepted(full, 2)).isTrue();
            assertThat(probe.assertSent(full, 4)).isTrue();

            probe.reset();
            assertThat(probe.assertSent(nobody, 0)).isTrue();
            assertThat(probe.assertAccepted(nobody, 0)).isTrue();
        } finally {
            broker.close();
        }
    }

    @Test
    void assertBroadcastSeesTheLatestBroadcastAndAssertAnyBroadcastSeesThemAll() {
        try (ActorSystem system = ActorSystem.create(); BrokerTestProbe probe = new BrokerTestProbe(system.broker())) {
            var broker = system.broker();
            ActorId a = system.spawn(Behaviors.receive().on(Other.class, Other::s).build()).id();
            ActorId b = system.spawn(Behaviors.receive().on(Other.class, Other::s).build()).id();
            assertThat(probe.assertBroadcast(0)).isFalse();
            assertThat(probe.assertAnyBroadcast(0)).isFalse();
            broker.broadcast(new Other("two")).join();
            system.spawn(Behaviors.receive().on(Other.class, Other::s).build());
            broker.broadcast(new Other("three")).join();

            assertThat(probe.assertBroadcast(3)).isTrue();
            assertThat(probe.assertBroadcast(2)).isFalse();     // only the latest counts
            assertThat(probe.assertAnyBroadcast(2)).isTrue();   // any broadcast counts
            assertThat(probe.assertAnyBroadcast(3)).isTrue();
            assertThat(probe.assertAnyBroadcast(1)).isFalse();
            assertThat(probe.broadcasts()).extracting(List::size).containsExactly(2, 3);
            assertThat(probe.assertSent(a, 2)).isTrue();
            assertThat(probe.assertAccepted(b, 2)).isTrue();

            probe.reset();
            assertThat(probe.assertAnyBroadcast(2)).isFalse();
        }
    }
}
