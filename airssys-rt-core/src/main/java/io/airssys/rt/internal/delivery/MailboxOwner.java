package io.airssys.rt.internal.delivery;

import io.airssys.rt.broker.MessageBroker;

/**
 * The broker a mailbox is registered with, as the mailbox sees it.
 */
public interface MailboxOwner {

    /**
     * Returns the broker, for {@link io.airssys.rt.actor.ActorContext#broker()}.
     *
     * @return the broker
     */
    MessageBroker broker();

    /**
     * Returns where retired messages are counted and undelivered ones dead-lettered.
     *
     * @return the outcomes
     */
    Outcomes outcomes();

    /**
     * Returns the broker's instrumentation, read by the consumer for every message it processes.
     * An implementation returns a field of an object the consumer reads anyway (never a field of
     * {@link Outcomes}, whose neighbourhood in memory the senders write on every send).
     *
     * @return the guarded hooks, or {@code null} when none is installed
     */
    io.airssys.rt.instrument.Instrumentation hooks();

    /**
     * Removes {@code mailbox} from routing if it is still registered, then closes it. Called
     * when its actor stops itself.
     *
     * @param mailbox the mailbox of the stopping actor
     */
    void deregister(MpscMailbox<?> mailbox);
}
