package io.airssys.rt.internal.timer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timeout on a {@link TimeoutWheel}: the handle its owner keeps, and at the same time the
 * node the wheel links into its inbox, its cancel stack and one bucket, so a timeout costs
 * one allocation.
 *
 * <h2>States</h2>
 * <pre>
 *   PENDING ──cancel()──▶ CANCELLED      (task reference dropped at once)
 *      │──────tick───────▶ EXPIRED        (task runs once, then is dropped)
 *      └──────close()─────▶ CLOSED         (task handed to close's caller, dropped here)
 * </pre>
 * Exactly one transition out of {@code PENDING} wins, by CAS on {@link #state}; the winner
 * alone reads and clears {@link #task}. That is what makes "either cancelled or run, never
 * both" exact.
 */
public final class Timeout {

    static final int PENDING = 0;
    static final int CANCELLED = 1;
    static final int EXPIRED = 2;
    static final int CLOSED = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timeout.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The wheel that holds it; {@code null} only for the wheel's sentinels. */
    private final TimeoutWheel wheel;
    /** The tick (since the wheel's origin) at whose processing it is due. */
    final long deadlineTick;
    /**
     * The task; plain: written before the node is published (inbox CAS), read and cleared
     * only by the thread that won the CAS out of {@code PENDING}. Cleared so that a cancelled
     * timeout retains nothing of its owner while the node waits to be unlinked.
     */
    Runnable task;
    private volatile int state;

    // Producer-side links, written before the CAS that publishes the node.
    /** Next node of the wheel's inbox stack. */
    Timeout nextInbox;
    /** Next node of the wheel's cancel stack. */
    Timeout nextCancelled;
    /** Depth of the cancel stack including this node (decides when a cancel asks for a sweep). */
    int cancelDepth;

    // Bucket links: only under the wheel's lock (see WheelBuckets).
    Timeout prev;
    Timeout next;
    /** The bucket it is linked into, or -1. */
    int bucket = -1;

    Timeout(TimeoutWheel wheel, Runnable task, long deadlineTick) {
        this.wheel = wheel;
        this.task = task;
        this.deadlineTick = deadlineTick;
    }

    /**
     * Cancels the timeout unless it already fired, was cancelled, or was taken by
     * {@link TimeoutWheel#close()}. O(1), lock-free, from any thread. The task reference is
     * dropped before this returns; the small node is unlinked by the wheel's next tick.
     *
     * @return {@code true} if this call cancelled it (the task will never run)
     */
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        task = null;
        wheel.cancelled(this);
        return true;
    }

    /**
     * Returns whether {@link #cancel()} won.
     *
     * @return {@code true} if cancelled
     */
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    /**
     * Returns whether the wheel took the timeout as due: its task has run or is about to.
     *
     * @return {@code true} if expired
     */
    public boolean isExpired() {
        return state == EXPIRED;
    }

    /**
     * Returns whether it is still waiting: not expired, cancelled, or taken by close.
     *
     * @return {@code true} if pending
     */
    public boolean isPending() {
        return state == PENDING;
    }

    /** CAS out of {@code PENDING}; the caller that gets {@code true} owns {@link #task}. */
    boolean leavePending(int to) {
        return STATE.compareAndSet(this, PENDING, to);
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case PENDING -> "pending";
            case CANCELLED -> "cancelled";
            case EXPIRED -> "expired";
            default -> "closed";
        };
        return "Timeout[" + s + ", tick " + deadlineTick + "]";
    }
}
