package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * Layer 5 of the mailbox: the consumer-private priority lanes in front of the queue, and the
 * seqlock through which other threads read what is queued.
 *
 * <h2>Design</h2>
 * While every message has been NORMAL, the queue itself is the only lane: the consumer
 * polls it directly, no node is touched twice and no arrival number is written. The first
 * non-NORMAL offer sets {@code priorityUsed}; from then on the consumer moves everything the
 * queue holds into per-priority FIFO lanes ({@link LaneSet}, allocated then) before every
 * message, so a CRITICAL message overtakes the NORMAL ones already taken. The next message is
 * the head of the highest non-empty lane, except that after {@code starvationLimit} such picks
 * in a row while a lower lane waits, the oldest waiting message (by arrival) goes next. Lanes
 * link through {@link Envelope#next} too; a node is in the queue or in a lane, never both.
 * Once allocated the lanes stay: the queue then only holds messages newer than all of theirs.
 *
 * <h2>Seqlock</h2>
 * A closing thread must fail the queued requests while the consumer may be stuck in a
 * handler for good. The consumer rewrites the head, the lanes and {@code current} only in
 * short windows that run no user code, bracketed by {@link #beginLaneWrite} (odd version)
 * and {@link #endLaneWrite} (even). A reader walks the nodes and keeps its result only if
 * the version was even before and unchanged after. Links only point from older to newer
 * arrivals, so even a torn walk ends. In a mailbox with a lane lock, the lock holder is the
 * consumer and readers take the lock instead.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class PriorityLanes<P> extends IntrusiveMpscQueue<P> permits MailboxAdmission {

    private static final int LANES = Envelope.PRIORITIES.length;

    PriorityLanes(int capacity, OverflowStrategy overflow, int starvationLimit) {
        super(capacity, overflow, starvationLimit);
    }

    /** The lanes proper; consumer-private, allocated on first need. */
    static final class LaneSet {
        /** [2p] head, [2p + 1] tail of priority p. */
        final Envelope[] ends = new Envelope[2 * LANES];
        /** Arrival number of the next node moved in. */
        int arrivals;
        /** Higher-priority picks in a row while a lower lane waited. */
        int consecutive;
    }

    // ------------------------------------------------------------------ seqlock (consumer side)

    final int beginLaneWrite() {
        int v = laneVersion; // plain: only the consumer writes it
        LANE_VERSION.setOpaque(this, v + 1);
        // NOTE: the odd version must be visible before any lane write: a reader that reads the
        // lanes and then the same even version knows no write overlapped its read (seqlock).
        VarHandle.storeStoreFence();
        return v;
    }

    final void endLaneWrite(int v) {
        // NOTE: release: the lane writes happen-before a reader's acquire read of the new version.
        LANE_VERSION.setRelease(this, v + 2);
    }

    // ------------------------------------------------------------------ consumer

    /** Whether the lanes are in use for this mailbox (priorities seen, or a lane lock). */
    private boolean laneMode() {
        return lanes != null || priorityUsed;
    }

    /**
     * The next message by priority, or {@code null}. Consumer only, inside a write window.
     *
     * @return the next envelope
     */
    final Envelope pollNext() {
        if (!laneMode()) {
            return pollFirst(); // NORMAL only so far: the queue is the lane
        }
        drainQueueIntoLanes();
        return pollLane(lanes);
    }

    /** Moves what the queue holds into the lanes, oldest first. Consumer only, in a window. */
    final void drainQueueIntoLanes() {
        LaneSet ls = lanes;
        for (Envelope e = pollFirst(); e != null; e = pollFirst()) {
            if (ls == null) {
                ls = new LaneSet();
                lanes = ls;
            }
            appendLane(ls, e);
        }
    }

    /**
     * Appends a node that is in no queue (a BLOCK sender admitted from the waiting set) to
     * its lane, after draining the queue so that arrival order holds. Consumer only.
     *
     * @param e the envelope
     */
    final void appendAdmitted(Envelope e) {
        drainQueueIntoLanes();
        if (lanes == null) {
            lanes = new LaneSet();
        }
        appendLane(lanes, e);
    }

    private static void appendLane(LaneSet ls, Envelope e) {
        e.seq = ls.arrivals++;
        int p = 2 * e.priority;
        Envelope[] ends = ls.ends;
        if (ends[p + 1] == null) {
            ends[p] = e;
        } else {
            ends[p + 1].next = e;
        }
        ends[p + 1] = e;
    }

    private Envelope pollLane(LaneSet ls) {
        if (ls == null) {
            return null;
        }
        Envelope[] ends = ls.ends;
        int top = LANES - 1;
        while (top >= 0 && ends[2 * top] == null) {
            top--;
        }
        if (top < 0) {
            return null;
        }
        int pick = top;
        if (starvationLimit > 0) {
            int oldest = top;
            for (int p = top - 1; p >= 0; p--) {
                Envelope h = ends[2 * p];
                if (h != null && h.seq - ends[2 * oldest].seq < 0) {
                    oldest = p;
                }
            }
            if (oldest == top && !lowerLaneWaiting(ends, top)) {
                ls.consecutive = 0;
            } else if (ls.consecutive >= starvationLimit) {
                pick = oldest; // a lower priority has waited long enough: the oldest message goes
                ls.consecutive = 0;
            } else {
                ls.consecutive++;
            }
        }
        return removeHead(ends, pick);
    }

    private static boolean lowerLaneWaiting(Envelope[] ends, int top) {
        for (int p = top - 1; p >= 0; p--) {
            if (ends[2 * p] != null) {
                return true;
            }
        }
        return false;
    }

    private static Envelope removeHead(Envelope[] ends, int p) {
        Envelope e = ends[2 * p];
        ends[2 * p] = e.next;
        if (e.next == null) {
            ends[2 * p + 1] = null;
        }
        e.next = null;
        return e;
    }

    /**
     * DROP_OLDEST: removes the oldest message of the lowest non-empty priority. Lane-lock
     * holder only, inside a write window.
     *
     * @return the victim, or {@code null} if nothing is queued (or still in a link window)
     */
    final Envelope removeOldestOfLowest() {
        if (!laneMode()) {
            return pollFirst();
        }
        drainQueueIntoLanes();
        LaneSet ls = lanes;
        if (ls == null) {
            return null;
        }
        for (int p = 0; p < LANES; p++) {
            if (ls.ends[2 * p] != null) {
                return removeHead(ls.ends, p);
            }
        }
        return null;
    }

    /** Whether the lanes hold a message. Consumer (or lane-lock holder) only. */
    final boolean lanesHoldWork() {
        LaneSet ls = lanes;
        if (ls == null) {
            return false;
        }
        for (int p = 0; p < LANES; p++) {
            if (ls.ends[2 * p] != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether anything waits for the consumer: in the lanes or in the queue. Consumer only. */
    final boolean holdsWork() {
        return lanesHoldWork() || !queueEmptyForConsumer();
    }

    // ------------------------------------------------------------------ readers

    /**
     * A cheap, racy estimate of the waiting messages, counting no further than {@code cap}: for
     * load-balancing hints (a routed send's power of two choices), never for correctness. Any
     * thread; no lock, no version check: a torn walk still ends (links only point to newer
     * arrivals), and the count is only a hint.
     *
     * @param cap where to stop counting
     * @return 0 to {@code cap}
     */
    public final int backlogHint(int cap) {
        if (queueLooksEmpty() && lanes == null) {
            return 0;
        }
        int n = 0;
        LaneSet ls = lanes;
        if (ls != null) {
            for (int p = 0; p < LANES && n < cap; p++) {
                for (Envelope e = ls.ends[2 * p]; e != null && n < cap; e = e.next) {
                    n++;
                }
            }
        }
        for (Envelope e = firstForReader(); e != null && n < cap; e = nextForReader(e)) {
            n++;
        }
        return n;
    }

    /**
     * Adds the queued envelopes to {@code out} (requests only if asked), lanes first; a reader
     * that is not the consumer calls it inside a seqlock read or under the lane lock.
     *
     * @param out          where to add them
     * @param requestsOnly skip fire-and-forget messages
     * @return how many nodes were walked
     */
    final int collectQueued(List<Envelope> out, boolean requestsOnly) {
        int walked = 0;
        LaneSet ls = lanes;
        if (ls != null) {
            for (int p = 0; p < LANES; p++) {
                for (Envelope e = ls.ends[2 * p]; e != null; e = e.next) {
                    walked++;
                    if (out != null && !(requestsOnly && e.isOneWay())) {
                        out.add(e);
                    }
                }
            }
        }
        for (Envelope e = firstForReader(); e != null; e = nextForReader(e)) {
            walked++;
            if (out != null && !(requestsOnly && e.isOneWay())) {
                out.add(e);
            }
        }
        return walked;
    }

    /**
     * Reads the queued envelopes consistently from a thread that is not the consumer: under
     * the lane lock if the mailbox has one, else as a seqlock reader, giving up after
     * {@code patienceNanos} of a consumer that keeps rewriting (it then returns the last,
     * possibly torn, read, and {@code consistent} is {@code false}).
     *
     * @param out           cleared and filled, or {@code null} to count only
     * @param requestsOnly  skip fire-and-forget messages
     * @param patienceNanos how long to retry
     * @param stopIf        checked between attempts: stop early (returning -1) when it holds
     * @return nodes walked in the consistent read, or -1 if none was had
     */
    final int readQueued(List<Envelope> out, boolean requestsOnly, long patienceNanos,
                         java.util.function.BooleanSupplier stopIf) {
        if (laneLock != null) {
            laneLock.lock();
            try {
                return collectQueued(out, requestsOnly);
            } finally {
                laneLock.unlock();
            }
        }
        long giveUp = System.nanoTime() + patienceNanos;
        for (int spins = 0; ; spins++) {
            if (stopIf.getAsBoolean()) {
                return -1;
            }
            int v = (int) LANE_VERSION.getAcquire(this);
            if ((v & 1) == 0) {
                if (out != null) {
                    out.clear();
                }
                // NOTE: a torn walk (the consumer rewrote a link meanwhile) still ends, since links
                // only point to newer arrivals; the version check below then discards it.
                int walked = collectQueued(out, requestsOnly);
                VarHandle.loadLoadFence();
                if ((int) LANE_VERSION.getOpaque(this) == v) {
                    return walked;
                }
            }
            if (System.nanoTime() - giveUp > 0) {
                return -1;
            }
            if (spins < 256) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
