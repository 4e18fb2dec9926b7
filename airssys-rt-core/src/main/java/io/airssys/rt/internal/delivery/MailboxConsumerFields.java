package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Layout layer 3 of the mailbox: the fields the consumer writes per message. They sit after
 * the cold layer ({@link MailboxColdFields}), at least 64 bytes from every producer-written
 * field, so the consumer's stores never invalidate the line producers {@code getAndSet} on.
 * Two {@code int}s and three references: 20 bytes, no hole.
 *
 * <p>"The consumer" is whoever holds the consumer role (the runner's {@code SCHEDULED} bit),
 * and, in a mailbox with a lane lock, whoever holds that lock.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class MailboxConsumerFields<P> extends MailboxColdFields<P> permits IntrusiveMpscQueue {

    static final VarHandle HEAD;
    static final VarHandle CURRENT;
    static final VarHandle LANE_VERSION;
    static final VarHandle CONSUMED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(MailboxConsumerFields.class, "head", Envelope.class);
            CURRENT = l.findVarHandle(MailboxConsumerFields.class, "current", Envelope.class);
            LANE_VERSION = l.findVarHandle(MailboxConsumerFields.class, "laneVersion", int.class);
            CONSUMED = l.findVarHandle(MailboxConsumerFields.class, "consumed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Seqlock version: odd while the consumer rewrites the queue's head, the lanes or
     * {@link #current}; a closer reads them as a seqlock reader (see PriorityLanes).
     */
    @SuppressWarnings("unused") // accessed through LANE_VERSION
    int laneVersion;
    /**
     * Bounded admission: messages taken out (processed, evicted is not counted: its unit goes
     * to the newcomer), written with release stores by the consumer only; wraps.
     */
    @SuppressWarnings("unused") // accessed through CONSUMED
    int consumed;
    /** The oldest node of the intrusive queue, or the stub; consumer-private (opaque for seqlock readers). */
    Envelope head;
    /** The priority lanes, allocated the first time a non-NORMAL message (or a BLOCK admission) needs them. */
    PriorityLanes.LaneSet lanes;
    /**
     * The envelope being processed (set in the poll window, so a closer finds a request either
     * in the queue, in the lanes or here; also what {@code headers()} reads): release by the
     * consumer, acquire by a closing broker.
     */
    @SuppressWarnings("unused") // accessed through CURRENT
    Envelope current;

    MailboxConsumerFields(int capacity, OverflowStrategy overflow, int starvationLimit) {
        super(capacity, overflow, starvationLimit);
    }
}
