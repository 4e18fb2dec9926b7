package io.airssys.rt.internal.delivery;

import io.airssys.rt.actor.Actor;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Layout layer 2 of the mailbox: fields written once (at construction, registration or
 * attach) or rarely, and read on the hot paths. They are the gap between the producers'
 * fields ({@link MailboxProducerFields}) and the consumer's ({@link MailboxConsumerFields}):
 * 60 bytes with compressed references (one {@code long}, two {@code int}s, four
 * {@code boolean}s, ten references), so the two hot groups are at least 64 bytes apart.
 *
 * <p>Four booleans, not three or five: the primitive block then ends 4-aligned and leaves no
 * hole that a subclass field (a consumer-written one) could be placed in.
 *
 * <p>Each field says which concern owns it; the layers above hold the code.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class MailboxColdFields<P> extends MailboxProducerFields<P> permits MailboxConsumerFields {

    static final VarHandle OWNER;
    static final VarHandle BEHAVIOR;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OWNER = l.findVarHandle(MailboxColdFields.class, "owner", MailboxOwner.class);
            BEHAVIOR = l.findVarHandle(MailboxColdFields.class, "behavior", Behavior.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- registration (MpscMailbox): written once by the routing table before it publishes this mailbox
    /** The actor id; valid once {@link #registered}. Read by routing lookups after an acquire load. */
    long id;
    /** Set by {@code bind}, under the routing table's lock, before the mailbox is published. */
    volatile boolean registered;

    // ---- admission (MailboxAdmission): final
    /** The bound, or {@link io.airssys.rt.mailbox.Mailbox#UNBOUNDED}. */
    final int capacity;
    /** Higher-priority picks in a row before the oldest message goes; 0 for strict priority. */
    final int starvationLimit;
    /** Set (never cleared) by the first producer that offers a non-NORMAL message. */
    volatile boolean priorityUsed;

    // ---- actor cell (MpscMailbox): consumer-written, but only when the actor starts or restarts
    /** Whether the first run began (preStart is attempted once). Consumer only. */
    boolean started;
    /** Whether the actor is running (preStart succeeded, postStop not yet run). Consumer only. */
    boolean running;

    final OverflowStrategy overflow;
    /** Guards the lanes (and makes the lock holder the consumer) for bounded DROP_OLDEST and BLOCK; else null. */
    final ReentrantLock laneLock;
    /**
     * BLOCK: parked senders, oldest first, under laneLock; {@code null} for other strategies. A
     * set, so that a parked sender that times out or cancels leaves it at once.
     */
    final LinkedHashSet<Envelope> waiting;

    // ---- registration: CAS through OWNER; order links guarded by the routing table's lock
    @SuppressWarnings("unused") // CAS through OWNER
    private volatile MailboxOwner owner;
    MpscMailbox<?> orderPrev;
    volatile MpscMailbox<?> orderNext;

    // ---- the attached actor: written before the ATTACHED bit is set (CAS), read by the consumer
    @SuppressWarnings("unused") // CAS through BEHAVIOR
    volatile Behavior<?> behavior;
    Dispatcher dispatcher;
    /** The actor instance; written by the consumer when it starts or restarts it. */
    Actor<Object> actor;
    /** Requests answered later and not yet completed; created on first use by the consumer. */
    volatile Set<Envelope> pendingReplies;

    MailboxColdFields(int capacity, OverflowStrategy overflow, int starvationLimit) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.starvationLimit = starvationLimit;
        boolean bounded = capacity != UNBOUNDED;
        this.laneLock = bounded && (overflow == OverflowStrategy.DROP_OLDEST || overflow == OverflowStrategy.BLOCK)
                ? new ReentrantLock() : null;
        this.waiting = bounded && overflow == OverflowStrategy.BLOCK ? new LinkedHashSet<>() : null;
    }

    final MailboxOwner owner() {
        return (MailboxOwner) OWNER.getAcquire(this);
    }

    final Outcomes outcomes() {
        MailboxOwner o = owner();
        return o == null ? null : o.outcomes();
    }
}
