package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;

import java.util.List;

/**
 * Observes what a broker is asked to deliver, for tests ({@code BrokerTestProbe}) and tracing.
 * Called on the sending thread before the message is enqueued, whatever its outcome; keep it
 * short and non-blocking. Exceptions thrown by a listener are logged and ignored.
 *
 * <p>Register with {@link BrokerNode#addListener(BrokerListener)}. {@link #NONE} is the
 * listener of a broker nobody observes.
 */
public interface BrokerListener {

    /** Observes nothing. */
    BrokerListener NONE = new BrokerListener() {
    };

    /**
     * A message is being sent to one actor: {@code send}, {@code trySend},
     * {@code sendWithPriority}, or {@code sendWithRouting} once it chose the actor.
     *
     * @param target   the actor
     * @param message  the message
     * @param priority its priority
     */
    default void onSend(ActorId target, Message<?> message, Priority priority) {
    }

    /**
     * A message is being broadcast ({@code broadcast}, {@code broadcastFilter}).
     *
     * @param message the message
     * @param targets the actors it is addressed to, in registration order
     */
    default void onBroadcast(Message<?> message, List<ActorId> targets) {
    }

    /**
     * A message is being published to a topic.
     *
     * @param topic   the topic
     * @param message the message
     * @param targets the subscribers it is addressed to
     */
    default void onPublish(String topic, Message<?> message, List<ActorId> targets) {
    }
}
