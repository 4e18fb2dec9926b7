package io.airssys.rt.testkit.contract;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.InMemoryMessageBroker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixtures the contracts run on: placement by node, bounds, close. */
class ActorSystemFixtureTest {

    private record Ping(String text) implements Message<String> {
    }

    @Test
    void eachActorLivesOnTheNodeItWasSpawnedOn() {
        List<BrokerNode> nodes = List.of(new InMemoryMessageBroker(), new InMemoryMessageBroker());
        try (ActorSystemFixture fixture = new ActorSystemFixture(nodes)) {
            assertThat(fixture.nodes()).isEqualTo(2);
            ActorId id = fixture.spawn(1, Behaviors.receive().on(Ping.class, Ping::text).build());
            assertThat(fixture.broker(1)).isSameAs(nodes.get(1));
            assertThat(fixture.broker(1).isRegistered(id)).isTrue();
            assertThat(fixture.broker(0).isRegistered(id)).isFalse();
            assertThat(fixture.system(1).broker()).isSameAs(nodes.get(1));
            assertThat(fixture.broker(1).send(id, new Ping("pong")).orTimeout(20, TimeUnit.SECONDS).join())
                    .isEqualTo("pong");
        }
    }

    @Test
    void closeClosesEveryNode() {
        ActorSystemFixture fixture = new ActorSystemFixture(
                List.of(new InMemoryMessageBroker(), new InMemoryMessageBroker(), new InMemoryMessageBroker()));
        fixture.close();
        for (int node = 0; node < 3; node++) {
            assertThat(fixture.broker(node).isClosed()).as("node %d", node).isTrue();
        }
        fixture.close(); // idempotent
    }

    @Test
    void noNodesOrAnUnknownNodeIsRejected() {
        assertThatThrownBy(() -> new ActorSystemFixture(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node");
        try (ActorSystemFixture fixture = new ActorSystemFixture(List.of(new InMemoryMessageBroker()))) {
            assertThatThrownBy(() -> fixture.broker(1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> fixture.spawn(-1, Behaviors.receive().on(Ping.class, Ping::text).build()))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void theInMemoryFixtureIsOneNodeMadeByOneCallOfItsSupplier() {
        AtomicInteger calls = new AtomicInteger();
        try (InMemoryFixture fixture = new InMemoryFixture(() -> {
            calls.incrementAndGet();
            return new InMemoryMessageBroker();
        })) {
            assertThat(fixture.nodes()).isEqualTo(1);
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void theContractSendsFromNodeZeroAndPlacesTheKthActorOnNodeOnePlusKModuloNodes() {
        List<Integer> placed = new ArrayList<>();
        MessageBrokerContract contract = new MessageBrokerContract() {
            @Override
            protected BrokerFixture newFixture() {
                throw new UnsupportedOperationException("not run as a test");
            }
        };
        InMemoryMessageBroker shared = new InMemoryMessageBroker();
        try (ActorSystemFixture fixture = new ActorSystemFixture(List.of(shared, shared, shared))) {
            contract.fixture = fixture;
            for (int k = 0; k < 6; k++) {
                placed.add(contract.nextNode());
            }
        }
        assertThat(MessageBrokerContract.SENDER).isZero();
        assertThat(placed).containsExactly(1, 2, 0, 1, 2, 0);
    }
}
