package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.Mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Layout layer 1 of the mailbox: the fields producers write. Nothing but fields and their
 * accessors lives here.
 *
 * <h2>Why a layer of its own</h2>
 * HotSpot lays a superclass's fields out before its subclass's, so the class hierarchy
 * {@code MailboxProducerFields → MailboxColdFields → MailboxConsumerFields → …} fixes the
 * order of three groups in memory: what producers write (this class), what nobody writes
 * after registration ({@link MailboxColdFields}, the gap), and what the consumer writes
 * ({@link MailboxConsumerFields}). The cold group is at least 60 bytes, so the last
 * producer-written field and the first consumer-written one are at least 64 bytes apart and
 * can never share a cache line, whatever the object's alignment. No padding is needed: the
 * cold fields are the padding. {@code MailboxLayoutTest} (JOL) guards it.
 *
 * <p>Five 4-byte fields fill the 20 bytes after the 12-byte header exactly, so the next layer
 * starts 8-aligned and no later field can be placed in a hole here.
 *
 * <h2>Who writes what</h2>
 * <ul>
 *   <li>{@link #tail}: every producer, one {@code getAndSet} per message (the queue's only
 *       shared write); the consumer only when it puts the stub back behind the last node.</li>
 *   <li>{@link #stubNext}: the producer that links the first message after the stub.</li>
 *   <li>{@link #status}: the runner's state word; CAS by the producer that wakes an idle
 *       actor, by the consumer when its run ends, by closers.</li>
 *   <li>{@link #reserved}, {@link #consumedSeen}: bounded mailboxes only (admission).</li>
 * </ul>
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class MailboxProducerFields<P> extends Mailbox<P> permits MailboxColdFields {

    /** Status bit: an actor is attached (its behavior and dispatcher fields are set). */
    static final int ATTACHED = 1;
    /** Status bit: the consumer role is held (by a run, or by a thread terminating or draining a closed mailbox). */
    static final int SCHEDULED = 2;
    /** Status bit: closed and finished (the actor stopped, its messages were retired). */
    static final int TERMINATED = 4;
    /** Status bit: closed; producers are refused from now on. */
    static final int CLOSED = 8;

    static final VarHandle TAIL;
    static final VarHandle STUB_NEXT;
    static final VarHandle STATUS;
    static final VarHandle RESERVED;
    static final VarHandle CONSUMED_SEEN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(MailboxProducerFields.class, "tail", Envelope.class);
            STUB_NEXT = l.findVarHandle(MailboxProducerFields.class, "stubNext", Envelope.class);
            STATUS = l.findVarHandle(MailboxProducerFields.class, "status", int.class);
            RESERVED = l.findVarHandle(MailboxProducerFields.class, "reserved", int.class);
            CONSUMED_SEEN = l.findVarHandle(MailboxProducerFields.class, "consumedSeen", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The runner's state word (see {@link MailboxRunner}); volatile/CAS only. */
    @SuppressWarnings("unused") // accessed through STATUS
    private volatile int status;
    /**
     * Bounded admission: units taken by producers, minus units given back by refused ones
     * (see {@link MailboxAdmission}); wraps, compared unsigned.
     */
    @SuppressWarnings("unused") // accessed through RESERVED
    private volatile int reserved;
    /**
     * Bounded admission: a producer's cached copy of the consumer's {@code consumed} count,
     * never ahead of it; refreshed only when the cached bound says full (JCTools' producer
     * limit), so producers do not read the consumer's cache line per message.
     */
    @SuppressWarnings("unused") // accessed through CONSUMED_SEEN
    private int consumedSeen;
    /** The newest node of the intrusive queue, or {@link IntrusiveMpscQueue#STUB}. */
    @SuppressWarnings("unused") // accessed through TAIL
    private Envelope tail;
    /** The stub's link: the node after the stub, while the stub is in the queue. */
    @SuppressWarnings("unused") // accessed through STUB_NEXT
    private Envelope stubNext;

    /** For the next layer only. */
    MailboxProducerFields() {
    }

    // ---- status (names say the access mode)

    final int statusVolatile() {
        return (int) STATUS.getVolatile(this);
    }

    final boolean casStatus(int expected, int next) {
        return STATUS.compareAndSet(this, expected, next);
    }

    final void orStatus(int bits) {
        STATUS.getAndBitwiseOr(this, bits);
    }
}
