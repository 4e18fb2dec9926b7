package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Layout layer 3 of the mailbox: the fields the consumer writes per message. They sit after
 * the cold layer ({@link MailboxColdFields}), at least 64 bytes from every producer-written
 * field, so the consumer's stores never invalidate the line producers {@code getAndSet} on.
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
    static final VarHandle CLOSING;
    static final VarHandle RETIRED_BY_CLOSE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(MailboxConsumerFields.class, "head", Envelope.class);
            CURRENT = l.findVarHandle(MailboxConsumerFields.class, "current", Envelope.class);
            LANE_VERSION = l.findVarHandle(MailboxConsumerFields.class, "laneVersion", int.class);
            CONSUMED = l.findVarHandle(MailboxConsumerFields.class, "consumed", int.class);
            CLOSING = l.findVarHandle(MailboxConsumerFields.class, "closing", boolean.class);
            RETIRED_BY_CLOSE = l.findVarHandle(MailboxConsumerFields.class, "retiredByClose", java.util.Set.class);
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
    /**
     * Close-time retirement tokens, created by a closer that finds a run holding the role
     * (before it sets CLOSED): the closer retires what is queued at once, the run retires what it
     * drains, and adding an envelope to this set decides which of the two does it (see
     * MpscMailbox.close). Written once (CAS), read by the run only once it saw the close.
     */
    @SuppressWarnings("unused") // accessed through RETIRED_BY_CLOSE
    java.util.Set<Envelope> retiredByClose;
    /** Set by a closer after the CLOSED status bit, so the consumer stops before its next message. */
    @SuppressWarnings("unused") // accessed through CLOSING
    volatile boolean closing;
    /** The actor asked to stop (failure directive STOP, or preStart failed); consumer only. */
    boolean stopRequested;

    MailboxConsumerFields(int capacity, OverflowStrategy overflow, int starvationLimit) {
        super(capacity, overflow, starvationLimit);
    }
}
