package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Layer 6 of the mailbox: admission, i.e. whether an offered envelope goes into the queue,
 * per capacity and overflow strategy.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Unbounded</b>: no counter and no lock. An offer is one status read (refuse a
 *       closed mailbox) and the queue's {@code getAndSet}. {@link #size()} is then an O(n) walk
 *       of what is queued, exact only while nothing is sent or taken meanwhile.</li>
 *   <li><b>Bounded, FAIL / DROP_NEWEST</b>: producers take a unit from {@code reserved}
 *       ({@code getAndAdd}) and compare it with a cached copy of the consumer's
 *       {@code consumed} count ({@code consumedSeen}); only when the cached bound says full do
 *       they read the consumer's own count and refresh the copy (JCTools' producer limit). A
 *       refused producer gives its unit back. The consumer writes {@code consumed} with a
 *       plain release store, on its own cache line. Accepted messages never exceed the
 *       capacity: a producer is admitted only if the units taken before its own, which are at
 *       least the messages accepted before it, minus those already taken out, are fewer than
 *       the capacity; an older copy of {@code consumed} only makes that stricter. Both counts
 *       wrap; their difference never exceeds the capacity plus the racing producers, so it is
 *       compared unsigned.</li>
 *   <li><b>Bounded, DROP_OLDEST and BLOCK</b> need to reach into the lanes (to evict, or to
 *       admit parked senders), so these mailboxes have a lane lock and its holder is the
 *       consumer: the run takes it for each message. An evicting producer removes the oldest
 *       message of the lowest non-empty priority and hands its unit to the new message. A BLOCK
 *       mailbox parks senders that find it full in {@code waiting} (no thread waits); the
 *       consumer admits them in arrival order as it frees room. In a BLOCK mailbox units are
 *       taken only under the lock.</li>
 * </ul>
 * Every strategy refuses a closed mailbox before it takes a unit or touches the queue.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class MailboxAdmission<P> extends PriorityLanes<P> permits MailboxRunner {

    /** {@link #offer} result: enqueued. */
    public static final int ACCEPTED = 0;
    /** {@link #offer} result: the bounded mailbox was full and refused the message (FAIL, or BLOCK without waiting). */
    public static final int FULL = 1;
    /** {@link #offer} result: the mailbox is closed. */
    public static final int CLOSED_MAILBOX = 2;
    /** {@link #offer} result: the mailbox was full and dropped the new message (DROP_NEWEST). */
    public static final int DROPPED = 3;
    /** {@link #offer} result: the sender waits for room (BLOCK); the envelope completes later. */
    public static final int PARKED = 4;

    private static final int NORMAL = Envelope.NORMAL;

    MailboxAdmission(int capacity, OverflowStrategy overflow, int starvationLimit) {
        super(capacity, overflow, starvationLimit);
    }

    // ------------------------------------------------------------------ hooks for the layers above

    /** Wakes the consumer after the queue went from empty to non-empty (the runner). */
    abstract void wake();

    /** Where this mailbox's dead letters were going (the actor cell). */
    abstract DeadLetter.Target target();

    // ------------------------------------------------------------------ Mailbox

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public OverflowStrategy overflow() {
        return overflow;
    }

    @Override
    public int starvationLimit() {
        return starvationLimit;
    }

    /**
     * Messages queued and not yet taken. Bounded: units taken minus messages taken out (a
     * refused producer's unit may count for a moment). Unbounded: there is no counter; this
     * walks the queue and the lanes, O(n), exact when no message is sent or taken meanwhile,
     * otherwise an estimate.
     */
    @Override
    public int size() {
        if (capacity != UNBOUNDED) {
            int n = (int) RESERVED.getVolatile(this) - (int) CONSUMED.getVolatile(this);
            return Math.max(0, Math.min(n, capacity));
        }
        int n = readQueued(null, false, 1_000_000L, () -> false);
        return n >= 0 ? n : collectQueued(null, false); // a consumer that kept rewriting: an estimate
    }

    @Override
    public boolean isClosed() {
        return (statusVolatile() & CLOSED) != 0;
    }

    // ------------------------------------------------------------------ producers

    /**
     * Enqueues an envelope. Never blocks.
     *
     * @param e       the envelope, not enqueued anywhere else
     * @param mayWait whether a full BLOCK mailbox may park the envelope ({@code false} for
     *                try-send, which must not wait: it is refused instead)
     * @return {@link #ACCEPTED}, {@link #FULL}, {@link #DROPPED}, {@link #PARKED} or
     *         {@link #CLOSED_MAILBOX}
     */
    public int offer(Envelope e, boolean mayWait) {
        return offer(e, mayWait, 0L);
    }

    /**
     * Enqueues an envelope like {@link #offer(Envelope, boolean)}, and records a routing-latency
     * sample the moment the envelope is in the queue, before the actor is scheduled: the
     * figure is the routing step (lookup and enqueue), not the executor hand-off.
     *
     * @param e           the envelope, not enqueued anywhere else
     * @param mayWait     whether a full BLOCK mailbox may park the envelope
     * @param sampleStart a start from {@link Outcomes#sampleStart()} (0: not sampled)
     * @return as {@link #offer(Envelope, boolean)}
     */
    public int offer(Envelope e, boolean mayWait, long sampleStart) {
        if (e.priority != NORMAL && !priorityUsed) {
            priorityUsed = true;
        }
        if (capacity == UNBOUNDED) {
            return isClosed() ? CLOSED_MAILBOX : enqueue(e, sampleStart);
        }
        if (overflow == OverflowStrategy.BLOCK) {
            return offerOrPark(e, mayWait, sampleStart);
        }
        if (isClosed()) {
            return CLOSED_MAILBOX;
        }
        if (!tryReserve()) {
            return switch (overflow) {
                case DROP_NEWEST -> DROPPED;
                case DROP_OLDEST -> offerEvicting(e, sampleStart);
                default -> FULL;
            };
        }
        return enqueue(e, sampleStart);
    }

    /**
     * Appends an admitted envelope. An envelope that passed the closed check is accepted even
     * if a close comes before its append: whoever holds the consumer role after the close
     * retires it (fails it with {@code ACTOR_STOPPED}), see the runner.
     */
    private int enqueue(Envelope e, long sampleStart) {
        boolean wasEmpty = offerLast(e);
        if (sampleStart != 0L) {
            Outcomes o = outcomes();
            if (o != null) {
                o.sampleEnd(sampleStart);
            }
        }
        // NOTE: only the producer that appended behind the stub (the queue held no message)
        // wakes the consumer. Its getAndSet comes before its status read; a consumer ending its
        // run clears SCHEDULED and then reads the tail. By the total order of these volatile
        // accesses one sees the other, so no wake-up is lost. Covered by the jcstress
        // MailboxWakeupTest and MpscMailboxTest.manyProducersNoLostWakeup.
        if (wasEmpty) {
            wake();
        }
        return ACCEPTED;
    }

    /** Bounded FAIL / DROP_NEWEST / DROP_OLDEST: takes a unit, or gives it back and says full. */
    private boolean tryReserve() {
        int r = (int) RESERVED.getAndAdd(this, 1);
        if (Integer.compareUnsigned(r - (int) CONSUMED_SEEN.getOpaque(this), capacity) < 0) {
            return true;
        }
        // NOTE: acquire pairs with the consumer's release of consumed: room it reports was
        // really freed. The refreshed copy may race with another producer's; any copy is a past
        // value of consumed, so at worst a producer looks again. Covered by
        // MpscMailboxTest.concurrentProducersNeverOverfillABoundedMailbox.
        int c = (int) CONSUMED.getAcquire(this);
        if (Integer.compareUnsigned(r - c, capacity) < 0) {
            CONSUMED_SEEN.setOpaque(this, c);
            return true;
        }
        RESERVED.getAndAdd(this, -1);
        return false;
    }

    /**
     * Records that the consumer took one message out (bounded only); consumer (or lane-lock
     * holder) only.
     */
    final void noteTaken() {
        if (capacity != UNBOUNDED) {
            CONSUMED.setRelease(this, consumed + 1);
        }
    }

    /** DROP_OLDEST on a full mailbox: evict the oldest message of the lowest waiting priority. */
    private int offerEvicting(Envelope e, long sampleStart) {
        Envelope victim;
        for (int spins = 0; ; spins++) {
            laneLock.lock();
            int v = beginLaneWrite();
            try {
                if (isClosed()) {
                    return CLOSED_MAILBOX;
                }
                victim = removeOldestOfLowest();
            } finally {
                endLaneWrite(v);
                laneLock.unlock();
            }
            if (victim != null) {
                break;
            }
            // NOTE: full, yet nothing to evict: every unit is held by a producer between its
            // reservation and its append. That append lands in a few instructions; wait for it (or
            // for room) rather than refuse, since DROP_OLDEST promises to accept the newest message.
            // Covered by OverflowStrategyTest's concurrent DROP_OLDEST try-send test.
            if (tryReserve()) {
                return enqueue(e, sampleStart);
            }
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        // the victim's unit now belongs to e: reserved and consumed are unchanged
        int result = enqueue(e, sampleStart);
        victim.retireUndelivered(new SendException(SendError.MAILBOX_FULL, ActorId.of(id),
                MpscMailbox.typeName(victim.message), "evicted from its full mailbox (capacity " + capacity
                + ", DROP_OLDEST) for a newer message", null, false), // backpressure is routine here: no stack trace
                DeadLetterReason.EVICTED, target(), outcomes());
        return result;
    }

    /** BLOCK: take a unit if there is room and nobody waits before us, else park the envelope. */
    private int offerOrPark(Envelope e, boolean mayWait, long sampleStart) {
        boolean parked = false;
        laneLock.lock();
        try {
            if (isClosed()) {
                return CLOSED_MAILBOX;
            }
            // NOTE: in a BLOCK mailbox units are only taken under laneLock (here and in
            // admitWaiting) and consumed only moves under it (the consumer polls under it), so
            // this check-then-add cannot overshoot.
            if (!laneLock.waiting.isEmpty() || !roomLocked()) {
                if (!mayWait) {
                    return FULL;
                }
                laneLock.waiting.add(e);
                parked = true;
            } else {
                RESERVED.getAndAdd(this, 1);
            }
        } finally {
            laneLock.unlock();
        }
        if (!parked) {
            return enqueue(e, sampleStart);
        }
        // NOTE: a parked sender that times out or cancels leaves the waiting set at once, so
        // senders that gave up are not retained until the consumer moves. Removal from the set,
        // under laneLock, is the retirement token shared with admitWaiting and close.
        // Covered by OverflowStrategyTest.blockReleasesTimedOutParkedSenders.
        // only a request may park (mayWait): a one-way send is refused FULL above
        ((RequestEnvelope) e).future().whenComplete((value, error) -> leaveWaiting(e));
        return PARKED;
    }

    private boolean roomLocked() {
        return Integer.compareUnsigned((int) RESERVED.getVolatile(this) - (int) CONSUMED.getVolatile(this),
                capacity) < 0;
    }

    /** BLOCK: a parked sender's future completed; retire it if it was still waiting. */
    private void leaveWaiting(Envelope e) {
        boolean removed;
        laneLock.lock();
        try {
            removed = laneLock.waiting.remove(e);
        } finally {
            laneLock.unlock();
        }
        if (removed) {
            e.retireSkipped(target(), outcomes());
        }
    }

    /** BLOCK: moves parked senders into the lanes while there is room, oldest first. Consumer only. */
    final void admitWaiting() {
        List<Envelope> expired = null;
        LinkedHashSet<Envelope> waiting = laneLock.waiting;
        laneLock.lock();
        try {
            if (waiting.isEmpty() || !roomLocked() || isClosed()) {
                return; // on close, the closer fails the parked senders
            }
            int v = beginLaneWrite();
            try {
                // NOTE: appendAdmitted drains the queue into the lanes first: a parked sender's
                // earlier message may still be queued, and appending the parked one before it would
                // break per-sender FIFO. Covered by OverflowStrategyTest.blockKeepsPerSenderOrderWhenTheActorIsBusy.
                while (!waiting.isEmpty() && roomLocked()) {
                    Envelope w = waiting.removeFirst();
                    if (w.decided()) {
                        if (expired == null) {
                            expired = new ArrayList<>();
                        }
                        expired.add(w); // timed out or cancelled while it waited for room
                        continue;
                    }
                    RESERVED.getAndAdd(this, 1);
                    appendAdmitted(w);
                }
            } finally {
                endLaneWrite(v);
            }
        } finally {
            laneLock.unlock();
        }
        if (expired != null) {
            Outcomes o = outcomes();
            for (Envelope w : expired) {
                w.retireSkipped(target(), o);
            }
        }
    }

    /**
     * Takes every parked sender out of the waiting set (close). After the CLOSED bit: a sender
     * that parks later sees it under the same lock and is refused, so none is left parked.
     *
     * @return the parked envelopes, oldest first; empty if not a BLOCK mailbox
     */
    final List<Envelope> takeParked() {
        LinkedHashSet<Envelope> waiting = waiting();
        if (waiting == null) {
            return List.of();
        }
        laneLock.lock();
        try {
            List<Envelope> parked = new ArrayList<>(waiting);
            waiting.clear();
            return parked;
        } finally {
            laneLock.unlock();
        }
    }
}
