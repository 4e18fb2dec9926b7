package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code withCapacity(n)} is a sizing hint: 0 is valid, negative and oversized values are errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WithCapacityTest {

    record Ping(int n) implements Message<Integer> {
    }

    @Test
    void zeroIsTheSmallestTableAndItGrowsPastTheHint() throws Exception {
        InMemoryMessageBroker broker = InMemoryMessageBroker.withCapacity(0);
        try (ActorSystem system = ActorSystem.builder().broker(broker).build()) {
            List<ActorId> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ids.add(system.spawn(Behaviors.receive().on(Ping.class, p -> p.n() + 1).build()).id());
            }
            assertThat(broker.metrics().registeredActors()).isEqualTo(200);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(broker.send(ids.get(i), new Ping(i)).get(20, TimeUnit.SECONDS)).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void negativeOrOversizedCapacityFailsNamingTheRange() {
        assertThatThrownBy(() -> InMemoryMessageBroker.withCapacity(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -1");
        assertThatThrownBy(() -> InMemoryMessageBroker.withCapacity(InMemoryMessageBroker.MAX_EXPECTED_ACTORS + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(InMemoryMessageBroker.MAX_EXPECTED_ACTORS));
    }
}
