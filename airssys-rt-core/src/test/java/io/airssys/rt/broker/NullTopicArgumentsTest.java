package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker's topic methods follow the API's rule for {@code null} (see {@link MessageBroker}):
 * a {@link NullPointerException} naming the parameter, not an {@link InvalidTopicException},
 * which is kept for malformed strings. A refused call changes nothing.
 */
class NullTopicArgumentsTest {

    record Ping() implements Message<Void> {
    }

    @Test
    void nullTopicOrPatternThrowsNullPointerExceptionNamingItAndChangesNothing() {
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker()) {
            ActorId id = ActorId.of(1);
            broker.register(id, Mailbox.unbounded());
            broker.subscribe(id, "a.b");

            assertThatThrownBy(() -> broker.subscribe(id, null))
                    .isExactlyInstanceOf(NullPointerException.class).hasMessage("pattern");
            assertThatThrownBy(() -> broker.unsubscribe(id, null))
                    .isExactlyInstanceOf(NullPointerException.class).hasMessage("pattern");
            assertThatThrownBy(() -> broker.publish(null, new Ping()))
                    .isExactlyInstanceOf(NullPointerException.class).hasMessage("topic");
            assertThatThrownBy(() -> broker.sendWithRouting(RoutingKey.of(null), new Ping()))
                    .isExactlyInstanceOf(NullPointerException.class).hasMessage("topic");

            assertThat(broker.subscriptions(id)).containsExactly("a.b");
            assertThat(broker.metrics().totalSent()).isZero();
        }
    }

    @Test
    void malformedTopicsStillThrowInvalidTopicException() {
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker()) {
            ActorId id = ActorId.of(1);
            broker.register(id, Mailbox.unbounded());
            assertThatThrownBy(() -> broker.subscribe(id, "")).isInstanceOf(InvalidTopicException.class);
            assertThatThrownBy(() -> broker.unsubscribe(id, "a..b")).isInstanceOf(InvalidTopicException.class);
            assertThatThrownBy(() -> broker.publish("a.*", new Ping())).isInstanceOf(InvalidTopicException.class);
        }
    }
}
