package io.airssys.rt.deadletter;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;

import java.time.Instant;
import java.util.Objects;

/**
 * A message that was not delivered, with where it was going, why it was not delivered and
 * when.
 *
 * @param message        the message
 * @param target         the actor or topic it was sent to
 * @param reason         why it was not delivered
 * @param priority       the priority it was sent with
 * @param sentAt         when it was sent; for a fire-and-forget message, when it was dead-lettered (a
 *                       {@code trySend} reads no clock)
 * @param deadLetteredAt when it was given up
 * @param detail         the error its sender saw, as text
 */
public record DeadLetter(Message<?> message, Target target, DeadLetterReason reason, Priority priority,
                         Instant sentAt, Instant deadLetteredAt, String detail) {

    /** Checks the fields. */
    public DeadLetter {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
        Objects.requireNonNull(detail, "detail");
    }

    /** Where an undelivered message was going. */
    public sealed interface Target {
    }

    /**
     * A message addressed to one actor.
     *
     * @param actorId the actor
     */
    public record ToActor(ActorId actorId) implements Target {
        /** Checks the id. */
        public ToActor {
            Objects.requireNonNull(actorId, "actorId");
        }
    }

    /**
     * A message addressed to a topic.
     *
     * @param topic   the concrete topic
     * @param publish {@code true} if it was published to every subscriber, {@code false} if it
     *                was routed to one of them
     */
    public record ToTopic(String topic, boolean publish) implements Target {
        /** Checks the topic. */
        public ToTopic {
            Objects.requireNonNull(topic, "topic");
        }
    }
}
