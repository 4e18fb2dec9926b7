package io.airssys.rt.internal.delivery;

import io.airssys.rt.actor.Actor;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Layout layer 2 of the mailbox: fields written once (at construction, registration or
 * attach) or rarely, and read on the hot paths. They are the gap between the producers'
 * fields ({@link MailboxProducerFields}) and the consumer's ({@link MailboxConsumerFields}):
 * 60 bytes with compressed references (one {@code long}, two {@code int}s, four one-byte
 * fields, ten references), so the two hot groups are at least 64 bytes apart.
 *
 * <p>Four one-byte fields, not three or five: the primitive block then ends 4-aligned and
 * leaves no hole that a subclass field (a consumer-written one) could be placed in. Exactly
 * 60 bytes, not more: with the producers' 20 and the consumer's 20 the mailbox is 112 bytes.
 * That is why the lane lock is also the parked senders' holder ({@link LaneLock}) and the
 * actor's lifecycle is one byte.
 *
 * <p>Each field says which concern owns it; the layers above hold the code.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class MailboxColdFields<P> extends MailboxProducerFields<P> permits MailboxConsumerFields {

    /** {@link #lifecycle}: the first run has not begun. */
    static final byte NOT_STARTED = 0;
    /** {@link #lifecycle}: preStart succeeded and postStop has not run. */
    static final byte RUNNING = 1;
    /** {@link #lifecycle}: started, but not running (preStart failed, or stopped). */
    static final byte NOT_RUNNING = 2;

    static final VarHandle OWNER;
    static final VarHandle BEHAVIOR;
    static final VarHandle RETIRED_BY_CLOSE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OWNER = l.findVarHandle(MailboxColdFields.class, "owner", MailboxOwner.class);
            BEHAVIOR = l.findVarHandle(MailboxColdFields.class, "behavior", Behavior.class);
            RETIRED_BY_CLOSE = l.findVarHandle(MailboxColdFields.class, "retiredByClose", Set.class);
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

    // ---- actor cell (MpscMailbox): consumer-written, but only when the actor starts, fails or stops
    /** {@link #NOT_STARTED}, {@link #RUNNING} or {@link #NOT_RUNNING}. Consumer only. */
    byte lifecycle;
    /** The actor asked to stop (failure directive STOP, or preStart failed); read per message. Consumer only. */
    boolean stopRequested;

    final OverflowStrategy overflow;
    /**
     * Guards the lanes (and makes the lock holder the consumer) for bounded DROP_OLDEST and
     * BLOCK, and holds BLOCK's parked senders; {@code null} otherwise.
     */
    final LaneLock laneLock;

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

    // ---- close (MailboxRunner): written once, by the first closer
    /**
     * Close-time retirement tokens; non-null means the mailbox is closing (the run stops before
     * its next message). A closer publishes it before it sets the CLOSED status bit; it then
     * retires what is queued at once while the run retires what it drains, and adding an
     * envelope to this set decides which of the two does it. Volatile/CAS only.
     */
    @SuppressWarnings("unused") // accessed through RETIRED_BY_CLOSE
    private Set<Envelope> retiredByClose;

    MailboxColdFields(int capacity, OverflowStrategy overflow, int starvationLimit) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.starvationLimit = starvationLimit;
        boolean bounded = capacity != UNBOUNDED;
        this.laneLock = bounded && (overflow == OverflowStrategy.DROP_OLDEST || overflow == OverflowStrategy.BLOCK)
                ? new LaneLock(overflow == OverflowStrategy.BLOCK) : null;
    }

    /** BLOCK: the parked senders (guarded by the lane lock); {@code null} for other strategies. */
    final LinkedHashSet<Envelope> waiting() {
        LaneLock l = laneLock;
        return l == null ? null : l.waiting;
    }

    final MailboxOwner owner() {
        return (MailboxOwner) OWNER.getAcquire(this);
    }

    final Outcomes outcomes() {
        MailboxOwner o = owner();
        return o == null ? null : o.outcomes();
    }
}
