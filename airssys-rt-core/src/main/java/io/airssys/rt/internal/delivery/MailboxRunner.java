package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Layer 7 of the mailbox: the runner. It owns the status word, the consumer role, the run
 * loop with its throughput budget and linger, and the close handshake; the actor cell above
 * ({@link MpscMailbox}) says what processing a message, starting and stopping mean.
 *
 * <h2>The consumer role</h2>
 * Exactly one thread at a time holds the role: the {@link #SCHEDULED} bit of the status word.
 * A producer whose append made the queue non-empty ({@link #wake}) takes it and submits the
 * mailbox (a {@link Runnable}) to the dispatcher's executor. A run processes at most
 * {@code throughput} messages, then either keeps the role and resubmits itself (work is left)
 * or releases the role and re-checks the queue. The role is what makes the actor
 * single-threaded.
 *
 * <h2>States</h2>
 * <pre>
 *   registered ──attach──▶ ATTACHED ──(SCHEDULED on/off while running)──▶ CLOSED ──▶ TERMINATED
 * </pre>
 * A close first publishes its retirement tokens (which tell a run it is closing), then sets
 * {@link #CLOSED} in one CAS, taking the role in the same CAS if it is free; from then on
 * every offer is refused. Whoever holds the role when the mailbox is closed terminates it
 * ({@link #terminate}): fails what is queued with {@code ACTOR_STOPPED}, stops the actor, sets
 * {@link #TERMINATED} and releases the role. A run that is processing a message sees the
 * tokens before its next one; a run that is ending
 * cannot release the role while CLOSED is set (its release is a CAS that checks it), so no
 * close is missed. A producer that passed the closed check just before the close may still
 * append afterwards; its append wakes the mailbox as usual, and waking a closed mailbox means
 * taking the role and retiring what is queued on the spot.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public abstract sealed class MailboxRunner<P> extends MailboxAdmission<P> implements Runnable permits MpscMailbox {

    static final System.Logger LOG = System.getLogger("io.airssys.rt.actor");

    /** How long a run that found a stream of messages lingers for the next one. */
    private static final long LINGER_NANOS = 2_000;

    /** {@link #markClosed} result: it was closed before. */
    static final int ALREADY_CLOSED = 0;
    /** {@link #markClosed} result: closed, and the caller holds the role (it must terminate). */
    static final int CLOSED_WITH_ROLE = 1;
    /** {@link #markClosed} result: closed; a run holds the role and terminates. */
    static final int CLOSED_ROLE_HELD = 2;

    MailboxRunner(int capacity, OverflowStrategy overflow, int starvationLimit) {
        super(capacity, overflow, starvationLimit);
    }

    // ------------------------------------------------------------------ hooks for the actor cell

    /** Starts the actor (preStart) on its first run. */
    abstract void startActor();

    /**
     * Processes one message taken from the queue.
     *
     * @return {@code true} if it was a fire-and-forget message its handler processed, which the
     *         run counts as delivered (the cell retires everything else itself)
     */
    abstract boolean process(Envelope e);

    /** Leaves routing if the actor asked to stop (closes the mailbox). */
    abstract void applyStopRequest();

    /** Retires a message the stopped actor will never process. */
    abstract void retireStopped(Envelope e);

    /** Runs postStop if the actor runs, and lets go of it. */
    abstract void stopActor();

    /** The actor id for log lines. */
    abstract String actorIdString();

    // ------------------------------------------------------------------ role

    @Override
    final void wake() {
        for (;;) {
            int s = statusVolatile();
            if ((s & SCHEDULED) != 0) {
                return; // a consumer is on it
            }
            if ((s & CLOSED) != 0) {
                if (casStatus(s, s | SCHEDULED)) {
                    terminate(); // a late append to a closed mailbox: retire it here
                    return;
                }
                continue;
            }
            if ((s & ATTACHED) == 0) {
                return; // no actor yet: attach schedules
            }
            if (casStatus(s, s | SCHEDULED)) {
                submit(false);
                return;
            }
        }
    }

    /**
     * Takes the role for the first run of a freshly attached actor: sets ATTACHED and
     * SCHEDULED in one CAS, which also publishes the behavior and dispatcher written before.
     *
     * @return {@code false} if the mailbox is closed
     */
    final boolean attachAndSchedule() {
        for (;;) {
            int s = statusVolatile();
            if ((s & CLOSED) != 0) {
                return false;
            }
            // NOTE: before attach nobody takes the role for a run (wake needs ATTACHED), and a
            // closer sets CLOSED in the CAS that takes it, so SCHEDULED is clear here.
            if (casStatus(s, s | ATTACHED | SCHEDULED)) {
                return true;
            }
        }
    }

    final void submit(boolean budgetUsed) {
        try {
            if (budgetUsed) {
                dispatcher.resubmit(this);
            } else {
                dispatcher.executor().execute(this);
            }
        } catch (RejectedExecutionException rex) {
            // We hold the role but the executor will never run us: stop the actor here so that no
            // queued message is left hanging. A closed mailbox whose run is refused by an executor
            // shutting down with its system is the normal end of a close: not worth an error.
            System.Logger.Level level = isClosed() ? System.Logger.Level.DEBUG : System.Logger.Level.ERROR;
            LOG.log(level, () -> actorIdString() + ": executor rejected the actor's run; "
                    + "stopping it and failing its queued messages", rex);
            MailboxOwner o = owner();
            if (o != null) {
                o.deregister((MpscMailbox<?>) this); // closes the mailbox; the role stays ours
            }
            terminate();
        }
    }

    /**
     * Closes the mailbox (the actor cell: it also fails parked senders and queued requests).
     *
     * @param brokerClosing whether the whole broker closes
     * @return {@code true} if this call closed it
     */
    public abstract boolean close(boolean brokerClosing);

    /**
     * Closes the status word: publishes the retirement tokens ({@code retiredByClose}, which
     * also tells the run it is closing), then sets CLOSED (and takes the role if it is free) in
     * one CAS.
     *
     * @return {@link #ALREADY_CLOSED}, {@link #CLOSED_WITH_ROLE} or {@link #CLOSED_ROLE_HELD}
     */
    final int markClosed() {
        if ((statusVolatile() & CLOSED) != 0) {
            return ALREADY_CLOSED;
        }
        // NOTE: tokens (the run's "closing" signal) first, then CLOSED, both volatile. A producer
        // refused by CLOSED (the close's linearization point) implies that a run polling after it
        // sees closing and processes nothing more. Racing closers share one set (CAS). Found by
        // MailboxLinearizabilityTest (closing was raised after the CAS: a run could process a
        // message after a refused offer); covered by it and by MessageBrokerContract's
        // close-while-busy tests.
        RETIRED_BY_CLOSE.compareAndSet(this, null, ConcurrentHashMap.newKeySet());
        for (;;) {
            int s = statusVolatile();
            if ((s & CLOSED) != 0) {
                return ALREADY_CLOSED;
            }
            boolean take = (s & SCHEDULED) == 0;
            if (casStatus(s, s | CLOSED | (take ? SCHEDULED : 0))) {
                return take ? CLOSED_WITH_ROLE : CLOSED_ROLE_HELD;
            }
        }
    }

    /**
     * Takes the right to retire {@code e} as stopped: always, unless a closer published
     * retirement tokens, in which case exactly one of the closer and the role holder gets it.
     *
     * @param e a queued envelope the actor will never process
     * @return whether the caller retires it
     */
    final boolean claimStoppedRetirement(Envelope e) {
        @SuppressWarnings("unchecked")
        Set<Envelope> tokens = (Set<Envelope>) RETIRED_BY_CLOSE.getVolatile(this);
        return tokens == null || tokens.add(e);
    }

    // ------------------------------------------------------------------ run

    @Override
    public final void run() {
        try {
            runMessages();
        } catch (Throwable t) {
            abortRun(t);
        }
    }

    /** Whether a close has begun (its retirement tokens are published); the run stops. */
    private boolean closing() {
        return RETIRED_BY_CLOSE.getVolatile(this) != null; // cold line: written once, by a closer
    }

    private void runMessages() {
        if (lifecycle == NOT_STARTED) {
            lifecycle = NOT_RUNNING; // startActor makes it RUNNING
            if (closing()) {
                terminate(); // closed before its first run: an actor that gets no message is not started
                return;
            }
            startActor();
        }
        int budget = dispatcher.throughput();
        int processed = 0;
        // NOTE: fire-and-forget deliveries are counted here, in a local, and added to the broker's
        // counter once per run (and before any request, whose sender must see every earlier
        // outcome counted when it sees its own): no shared write per message. Exact once the run
        // ends; the finally block keeps them even if the run aborts. Covered by the metrics tests
        // of MessageBrokerContract and SoakTest.
        int delivered = 0;
        try {
            for (;;) {
                applyStopRequest();
                if (closing()) {
                    terminate();
                    return;
                }
                Envelope e = poll();
                if (e == null) {
                    if (processed > 1 && awaitBriefly()) {
                        continue; // looks at closing again, then polls
                    }
                    break;
                }
                if (!e.isOneWay()) {
                    if (closedSincePoll()) {
                        CURRENT.setRelease(this, null);
                        if (claimStoppedRetirement(e)) {
                            retireStopped(e);
                        }
                        terminate();
                        return;
                    }
                    countDelivered(delivered);
                    delivered = 0;
                }
                processed++;
                if (process(e)) {
                    delivered++;
                }
                if (!stopRequested && --budget == 0) {
                    break;
                }
            }
        } finally {
            countDelivered(delivered);
        }
        finishRun();
    }

    private void countDelivered(int n) {
        if (n != 0) {
            Outcomes o = outcomes();
            if (o != null) {
                o.delivered(n);
            }
        }
    }

    /**
     * Takes the next message and makes it {@code current}, in one lane-write window (under the
     * lane lock if there is one), so a closer finds every queued request in the queue, in the
     * lanes or as the current one. Consumer only.
     */
    private Envelope poll() {
        LaneLock lock = laneLock;
        if (lock != null) {
            lock.lock();
        }
        int v = beginLaneWrite();
        try {
            Envelope e = pollNext();
            if (e != null) {
                noteTaken();
                CURRENT.setRelease(this, e);
            }
            return e;
        } finally {
            endLaneWrite(v);
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    /**
     * Whether a close came between the run's check before its poll and the poll; only asked
     * for requests, which a closer retires itself.
     */
    private boolean closedSincePoll() {
        // NOTE: Dekker handshake with a closer that retires queued requests (MpscMailbox.close):
        // it publishes its tokens (volatile) and then reads the queue as a seqlock reader; we wrote the
        // poll window's versions and then read closing. The full fence keeps our version writes
        // from being reordered after that read, so either we see closing (and retire e with a
        // token instead of processing it) or the closer's read sees our window and cannot include
        // e. One-way messages skip this: a closer leaves them to the run. Covered by
        // MessageBrokerContract's close-while-busy tests and FaultInjectionTest.
        VarHandle.fullFence();
        return closing();
    }

    /**
     * After a run that found a stream of messages, waits a moment for the next one before
     * giving the thread back: re-scheduling an idle actor costs an executor submission and
     * often a thread wake-up, far more than this wait. Bounded by {@value #LINGER_NANOS} ns.
     *
     * @return {@code true} if a message (or a close) arrived
     */
    private boolean awaitBriefly() {
        long deadline = System.nanoTime() + LINGER_NANOS;
        do {
            // NOTE: look at the tail only every few pauses: a tight read loop would keep pulling
            // the cache line producers swap on away from them.
            for (int i = 0; i < 8; i++) {
                Thread.onSpinWait();
            }
            if (!queueLooksEmpty() || closing()) {
                return true;
            }
        } while (System.nanoTime() - deadline < 0);
        return false;
    }

    private void finishRun() {
        if (holdsWorkLocked()) {
            submit(true); // budget used up: keep the role, go to the back of the executor's queue
            return;
        }
        for (;;) {
            int s = statusVolatile();
            if ((s & CLOSED) != 0) {
                terminate(); // closed while we held the role: ours to finish
                return;
            }
            if (casStatus(s, s & ~SCHEDULED)) {
                break;
            }
        }
        // NOTE: re-read the tail after releasing the role: a producer that appended while we
        // still held it saw SCHEDULED and did not submit (see MailboxAdmission.enqueue). With a
        // lane lock, an evicting producer may also have moved queued messages into the lanes
        // after our check above: re-check them too (under the lock, so its move is visible).
        // Covered by the jcstress MailboxWakeupTest.
        if (!queueLooksEmpty() || (laneLock != null && holdsWorkLocked())) {
            wake();
        }
    }

    private boolean holdsWorkLocked() {
        LaneLock lock = laneLock;
        if (lock == null) {
            return holdsWork();
        }
        lock.lock();
        try {
            return holdsWork();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ termination

    /**
     * Finishes a closed mailbox; the caller holds the role. The first time: fails everything
     * queued, stops the actor and sets TERMINATED. Later (a producer's append raced the close):
     * fails what was appended. Then releases the role, and takes it again if more was appended
     * meanwhile (the same handshake as a run's end).
     */
    final void terminate() {
        if (RETIRED_BY_CLOSE.compareAndSet(this, null, ConcurrentHashMap.newKeySet())) {
            orStatus(CLOSED); // a run that stops without a close: refuse offers from now on
        }
        for (int spins = 0; (statusVolatile() & CLOSED) == 0; spins++) {
            // a closer published its tokens and is a few instructions from its CLOSED CAS
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        do {
            for (Envelope e : takeAllQueued()) {
                if (claimStoppedRetirement(e)) {
                    retireStopped(e);
                }
            }
            if ((statusVolatile() & TERMINATED) == 0) {
                stopActor();
                actor = null; // the instance can go
                orStatus(TERMINATED);
            }
            STATUS.getAndBitwiseAnd(this, ~SCHEDULED);
        } while (!queueLooksEmpty() && tryTakeRole());
    }

    private boolean tryTakeRole() {
        for (;;) {
            int s = statusVolatile();
            if ((s & SCHEDULED) != 0) {
                return false; // another thread took it and retires the rest
            }
            if (casStatus(s, s | SCHEDULED)) {
                return true;
            }
        }
    }

    /** Empties the lanes and the queue, oldest first, in one write window. Role holder only. */
    private List<Envelope> takeAllQueued() {
        List<Envelope> left = new ArrayList<>();
        LaneLock lock = laneLock;
        if (lock != null) {
            lock.lock();
        }
        int v = beginLaneWrite();
        try {
            for (Envelope e = pollNext(); e != null; e = pollNext()) {
                noteTaken();
                left.add(e);
            }
        } finally {
            endLaneWrite(v);
            if (lock != null) {
                lock.unlock();
            }
        }
        return left;
    }

    /**
     * The run cannot go on: a {@link VirtualMachineError} in a handler (stack overflow, out of
     * memory), or a failure outside any handler. The actor may be in any state, so it is
     * stopped here, while this thread still holds the consumer role: it leaves routing, the
     * messages behind it fail with {@code ACTOR_STOPPED}, and {@code postStop} runs. The error
     * is logged, not rethrown: the thread belongs to a shared executor, whose other actors go on,
     * and the JVM's own reactions to a real out-of-memory condition
     * ({@code -XX:+ExitOnOutOfMemoryError}, heap dumps) happen where it is raised, not here.
     * Covered by HandlerFailureTest's VM-error tests.
     */
    private void abortRun(Throwable t) {
        LOG.log(System.Logger.Level.ERROR, () -> actorIdString() + ": " + t + " escaped a run; stopping the actor", t);
        try {
            CURRENT.setRelease(this, null);
            MailboxOwner o = owner();
            if (o != null) {
                o.deregister((MpscMailbox<?>) this); // closes the mailbox; the role stays ours
            } else {
                close(false);
            }
        } finally {
            if ((statusVolatile() & TERMINATED) == 0) {
                terminate();
            }
        }
    }
}
