package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.spi.ActorDirectory;
import io.airssys.rt.spi.ActorLocation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-memory broker's routing table as its {@link ActorDirectory}. */
class DirectoryTest {

    @Test
    void everyRegisteredActorIsLocalOnItsOwnMailboxInRegistrationOrder() {
        try (InMemoryMessageBroker broker = InMemoryMessageBroker.builder().expectedActors(0).build()) {
            ActorDirectory directory = broker.directory();
            List<ActorId> ids = new ArrayList<>();
            List<Mailbox<?>> mailboxes = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // enough to grow the smallest table
                ActorId id = ActorId.of(1_000 - i); // registration order is not id order
                Mailbox<?> mailbox = Mailbox.unbounded();
                broker.register(id, mailbox);
                ids.add(id);
                mailboxes.add(mailbox);
            }
            broker.unregister(ids.remove(7));
            mailboxes.remove(7);

            assertThat(directory.actorIds()).containsExactlyElementsOf(ids).isEqualTo(broker.actorIds());
            assertThat(directory.size()).isEqualTo(39).isEqualTo(broker.registeredCount());
            for (int i = 0; i < ids.size(); i++) {
                assertThat(directory.locate(ids.get(i))).isEqualTo(new ActorLocation.Local(mailboxes.get(i)));
                assertThat(directory.contains(ids.get(i))).isTrue();
            }
            assertThat(directory.locate(ActorId.of(1_000 - 7))).isNull();
            assertThat(directory.contains(ActorId.of(1_000 - 7))).isFalse();
        }
    }

    @Test
    void theDirectoryIsALiveViewNotACopy() {
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker()) {
            ActorDirectory directory = broker.directory();
            ActorId id = ActorId.newId();

            broker.register(id, Mailbox.unbounded());
            assertThat(directory.contains(id)).isTrue();
            broker.unregister(id);
            assertThat(directory.contains(id)).isFalse();
            assertThat(directory.actorIds()).isEmpty();
        }
    }

    @Test
    void aRemoteLocationNamesAValidNode() {
        assertThat(new ActorLocation.Remote(ActorId.MAX_NODE).node()).isEqualTo(ActorId.MAX_NODE);
        assertThatThrownBy(() -> new ActorLocation.Remote(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new ActorLocation.Remote(ActorId.MAX_NODE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
