package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Layer 4 of the mailbox: an intrusive, unbounded, multi-producer single-consumer FIFO queue
 * of envelopes (Dmitry Vyukov's design). No fields of its own: {@code tail} and
 * {@code stubNext} are in {@link MailboxProducerFields}, {@code head} in
 * {@link MailboxConsumerFields}.
 *
 * <h2>Design</h2>
 * Nodes are the envelopes ({@link Envelope#next} is the link), so a message costs no extra
 * allocation. A producer swaps itself in as the {@code tail} ({@code getAndSet}, the one
 * atomic per message) and then links the node it displaced to itself with a release store.
 * The consumer follows the links from its private {@code head}; it never writes the line
 * producers swap on, except to put the stub back when it takes the last node. Links always
 * point from older to newer, so nothing is reversed and no chain can loop.
 *
 * <p>The stub: the queue always holds one node that is not a message, so producers never
 * meet an empty queue. Here the stub is the shared sentinel {@link #STUB} and its link is
 * this mailbox's own {@code stubNext} field: an idle mailbox allocates nothing, and no two
 * mailboxes share a link. Empty is {@code head == tail == STUB}.
 *
 * <h2>The link window</h2>
 * Between a producer's swap and its link, the node is the tail but is not reachable from the
 * head: the consumer sees a node whose {@code next} is {@code null} while the tail is
 * elsewhere. The producer is a few instructions from its store, so the consumer spins for it
 * ({@link #awaitLink}); a poll therefore returns {@code null} only when the queue is empty.
 * Covered by the jcstress test {@code MpscQueueLinkWindowTest}.
 *
 * <p>Accessor names say the memory mode: {@code ...Acquire}, {@code ...Release},
 * {@code ...Volatile}, {@code xchg...}.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class IntrusiveMpscQueue<P> extends MailboxConsumerFields<P> permits PriorityLanes {

    /** The stub: marks the place of this mailbox's {@code stubNext} link in the queue; never a message. */
    static final Envelope STUB = Envelope.oneWay(new Object(), Priority.NORMAL);

    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(Envelope.class, "next", Envelope.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    IntrusiveMpscQueue(int capacity, OverflowStrategy overflow, int starvationLimit) {
        super(capacity, overflow, starvationLimit);
        this.head = STUB;
        TAIL.set(this, STUB); // plain: the constructor's writes are published with the mailbox
    }

    // ------------------------------------------------------------------ producers

    /**
     * Appends a node; any thread. The node must be fresh ({@code next == null}) and in no
     * other queue. Bypasses admission and wake-up: the mailbox's producers call
     * {@link MailboxAdmission#offer}; this is public for the queue's own concurrency tests.
     *
     * @param e the node
     * @return {@code true} if the queue held no message before (the stub was the tail), so
     *         the caller may have to wake the consumer
     */
    public final boolean offerLast(Envelope e) {
        Envelope prev = (Envelope) TAIL.getAndSet(this, e);
        // NOTE: release: the node's fields (message, deadline, headers) happen-before the
        // consumer's acquire load of this link. Until this store the node is in the link window
        // (see the class comment; MpscQueueLinkWindowTest).
        linkRelease(prev, e);
        return prev == STUB;
    }

    private void linkRelease(Envelope prev, Envelope e) {
        if (prev == STUB) {
            STUB_NEXT.setRelease(this, e);
        } else {
            NEXT.setRelease(prev, e);
        }
    }

    /**
     * Whether the queue looks empty to any thread: the tail is the stub. A node in the link
     * window counts as present. Exact while the consumer's head is at the stub (between runs);
     * during a poll the consumer may have put the stub behind nodes it has yet to take (see
     * {@link #queueEmptyForConsumer()} for its own, exact view).
     *
     * @return {@code true} if no message was appended since the consumer last emptied it
     */
    public final boolean queueLooksEmpty() {
        return TAIL.getVolatile(this) == STUB;
    }

    // ------------------------------------------------------------------ consumer

    /**
     * Takes the oldest node; consumer only (the consumer-role holder; public for the queue's
     * own concurrency tests, which use a mailbox no actor is attached to). Spins through a
     * producer's link window.
     *
     * @return the oldest node, or {@code null} if the queue is empty
     */
    public final Envelope pollFirst() {
        Envelope h = head;
        if (h == STUB) {
            Envelope first = (Envelope) STUB_NEXT.getAcquire(this);
            if (first == null) {
                if (TAIL.getVolatile(this) == STUB) {
                    return null;
                }
                first = awaitLink(STUB);
            }
            // NOTE: the stub goes back into the queue only by this consumer (below), after this
            // plain store: no producer can link to it (write stubNext) before then.
            STUB_NEXT.set(this, null);
            h = first;
        }
        Envelope next = (Envelope) NEXT.getAcquire(h);
        if (next == null) {
            if (TAIL.getVolatile(this) == h) {
                // h is the last node: put the stub behind it so that h can leave the queue.
                Envelope prev = (Envelope) TAIL.getAndSet(this, STUB);
                linkRelease(prev, STUB); // prev is h, or a producer's node that swapped in since
            }
            next = awaitLink(h);
        }
        HEAD.setOpaque(this, next); // opaque: a seqlock reader may read it (plain for the consumer)
        NEXT.set(h, null); // h left the queue: drop its link, so a kept future retains no later message
        return h;
    }

    /** Spins until {@code node}'s link is set (a producer is in its link window). Consumer only. */
    private Envelope awaitLink(Envelope node) {
        for (int spins = 0; ; spins++) {
            Envelope next = node == STUB ? (Envelope) STUB_NEXT.getAcquire(this) : (Envelope) NEXT.getAcquire(node);
            if (next != null) {
                return next;
            }
            if (spins < 128) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the producer was descheduled in its window
            }
        }
    }

    /**
     * Whether the consumer's view is empty: at the stub with nothing after it. Consumer only
     * (public for the queue's own concurrency tests).
     *
     * @return {@code true} if a poll would return {@code null}
     */
    public final boolean queueEmptyForConsumer() {
        return head == STUB && TAIL.getVolatile(this) == STUB;
    }

    // ------------------------------------------------------------------ seqlock readers (not the consumer)

    /**
     * The oldest node as a reader that is not the consumer sees it, or {@code null}. Only
     * meaningful inside a seqlock read (see {@link PriorityLanes}).
     *
     * @return the first message node, or {@code null}
     */
    final Envelope firstForReader() {
        Envelope h = (Envelope) HEAD.getOpaque(this);
        return h == STUB ? (Envelope) STUB_NEXT.getAcquire(this) : h;
    }

    /**
     * The node after {@code e} as a reader sees it, skipping the stub; {@code null} at the end.
     *
     * @param e a node
     * @return the next message node, or {@code null}
     */
    final Envelope nextForReader(Envelope e) {
        Envelope n = (Envelope) NEXT.getAcquire(e);
        return n == STUB ? (Envelope) STUB_NEXT.getAcquire(this) : n;
    }

    /**
     * Plain link read for the consumer's own structures (the lanes reuse the link).
     *
     * @param e a node the consumer owns
     * @return its link
     */
    static Envelope nextPlain(Envelope e) {
        return e.next;
    }
}
