package io.airssys.rt.internal.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MpscMailbox;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every typed error the in-memory broker raises, worded once, and the dead letter reason each
 * one files under. A refusal seen after {@code close()} is always
 * {@link BrokerError#BROKER_CLOSED}, whatever the operation saw first (a missing actor, a
 * closed mailbox, an empty topic): the one signal for a closed broker.
 */
public final class Refusals {

    private final AtomicBoolean closed;

    /**
     * Creates the refusals of one broker.
     *
     * @param closed the broker's closed flag
     */
    public Refusals(AtomicBoolean closed) {
        this.closed = closed;
    }

    /**
     * Returns whether the broker is closed.
     *
     * @return {@code true} once closed
     */
    public boolean brokerClosed() {
        return closed.get();
    }

    /**
     * No mailbox took the message: the actor is not registered, or the broker is closed.
     *
     * @param actorId the target
     * @param message the message
     * @return the error
     */
    public DeliveryException notDelivered(ActorId actorId, Message<?> message) {
        return closed.get()
                ? closedError(actorId, "send " + message.getClass().getSimpleName() + " to " + actorId)
                : new SendException(SendError.ACTOR_NOT_FOUND, actorId, message.getClass().getSimpleName(),
                        "no actor is registered under this id", null);
    }

    /**
     * A mailbox refused the message ({@code offer}'s result).
     *
     * @param result  the mailbox's answer, not {@code ACCEPTED} or {@code PARKED}
     * @param actorId the target
     * @param message the message
     * @param mailbox the mailbox that refused
     * @return the error
     */
    public DeliveryException rejected(int result, ActorId actorId, Message<?> message, MpscMailbox<?> mailbox) {
        if (result == MpscMailbox.FULL || result == MpscMailbox.DROPPED) {
            // stackless: backpressure is expected and frequent, and a stack trace would cost more
            // than the send (issue 10); the message text still names actor, type and capacity
            return new SendException(SendError.MAILBOX_FULL, actorId, message.getClass().getSimpleName(),
                    "its bounded mailbox holds " + mailbox.capacity() + " messages (" + mailbox.overflow()
                    + "); retry later or raise the capacity", null, false);
        }
        // The mailbox closed between the lookup and the enqueue: the actor left while we sent.
        return notDelivered(actorId, message);
    }

    /**
     * The dead letter reason of an undelivered message; a closed broker's refusals count as
     * {@code ACTOR_STOPPED}.
     *
     * @param error the error the sender sees
     * @return the reason
     */
    public static DeadLetterReason reasonOf(DeliveryException error) {
        return error instanceof SendException se ? Envelope.reasonOf(se.error()) : DeadLetterReason.ACTOR_STOPPED;
    }

    /**
     * Nobody subscribes to a matching pattern.
     *
     * @param topic the topic
     * @return the error
     */
    public static BrokerException noSubscriber(String topic) {
        return new BrokerException(BrokerError.ROUTING_FAILED, null,
                "no actor subscribes to a pattern matching topic '" + topic + "'");
    }

    /**
     * The one signal for a closed broker, from every method (issue 10).
     *
     * @param actorId the actor concerned, or {@code null}
     * @param what    what the caller tried, e.g. {@code "register actor-7"}
     * @return the error
     */
    public static BrokerException closedError(ActorId actorId, String what) {
        return new BrokerException(BrokerError.BROKER_CLOSED, actorId,
                "cannot " + what + ": the InMemoryMessageBroker is closed");
    }
}
