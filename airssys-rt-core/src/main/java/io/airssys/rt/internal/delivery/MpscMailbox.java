package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.Actor;
import io.airssys.rt.actor.ActorContext;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Directive;
import io.airssys.rt.actor.Handled;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A multi-producer, single-consumer mailbox, optionally bounded, priority-ordered, that also
 * runs its actor.
 *
 * <h2>Design</h2>
 * Producers push envelopes onto a lock-free stack ({@link #stack}, a CAS loop). The consumer
 * takes the whole stack in one CAS, reverses it (restoring send order, so messages one thread
 * sends stay in order) and appends it to its <em>lanes</em>: one FIFO per priority. Nodes are
 * the envelopes themselves, so an idle mailbox holds no queue storage and a message costs no
 * extra allocation. Only the NORMAL lane exists ({@link #head}/{@link #tail}) until a message
 * of another priority arrives; then {@link #lanes} is allocated, so actors that never see
 * priorities never pay for them.
 *
 * <p>While only NORMAL messages have been sent, the consumer drains the stack only when its
 * lanes are empty (one CAS per batch). Once a producer has pushed another priority
 * ({@link #priorityUsed}), the consumer drains before every message, so a CRITICAL message
 * overtakes the NORMAL ones already taken. The next message is the head of the highest
 * non-empty lane, except that after {@code starvationLimit} such picks in a row while a lower
 * lane waits, the oldest waiting message (by arrival) goes next.
 *
 * <p>Exactly one thread at a time holds the <em>consumer role</em>: the {@link #SCHEDULED}
 * bit of {@link #status}. A producer that makes the stack non-empty tries to take the role
 * and, if it does, submits the mailbox (a {@link Runnable}) to the dispatcher's executor.
 * A run processes at most {@code throughput} messages, then yields: it keeps the role and
 * resubmits itself if its lanes still hold messages, or releases the role and re-checks. The
 * role is what makes the actor single-threaded.
 *
 * <h2>States</h2>
 * <pre>
 *   registered ──attach──▶ ATTACHED ──(SCHEDULED on/off while running)──▶ closed ──▶ TERMINATED
 * </pre>
 * Closing replaces the stack with the {@link #CLOSED} sentinel in one CAS: the envelopes it
 * held fail with {@code ACTOR_STOPPED}, and every later push sees the sentinel and is refused,
 * so no message can slip in after the close and be left hanging. The closer then tries to take
 * the consumer role; if it gets it (the actor is idle) it fails the lanes and runs
 * {@code postStop} itself, otherwise the running consumer sees the sentinel before its next
 * message and does so. A terminated mailbox keeps {@code SCHEDULED} set forever.
 *
 * <h2>Bounds and overflow</h2>
 * {@link #size} counts messages enqueued and not yet taken. A producer reserves a unit before
 * pushing and gives it back when the mailbox is full or closed, so accepted messages never
 * exceed the capacity. FAIL and DROP_NEWEST refuse on the spot, lock-free. DROP_OLDEST and
 * BLOCK need to reach into the lanes (to evict, or to admit parked senders), so those
 * mailboxes guard the lanes with {@link #laneLock}, which the consumer then takes for each
 * message; an evicting producer drains the stack into the lanes under the lock, removes the
 * oldest message of the lowest non-empty lane, and hands its unit to the new message. A BLOCK
 * mailbox parks senders that find it full in {@link #waiting} (no thread waits) and the
 * consumer admits them in arrival order as it frees room.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public final class MpscMailbox<P> extends Mailbox<P> implements Runnable, ActorContext {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.actor");

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

    /** Status bit: an actor is attached (its behavior and dispatcher fields are set). */
    static final int ATTACHED = 1;
    /** Status bit: the consumer role is held. */
    static final int SCHEDULED = 2;
    /** Status bit: closed and finished; {@link #SCHEDULED} stays set. */
    static final int TERMINATED = 4;

    /** Replaces the stack when the mailbox closes; never processed. */
    static final Envelope CLOSED = Envelope.oneWay("mailbox closed", io.airssys.rt.Priority.NORMAL);

    private static final int LANES = Envelope.PRIORITIES.length;
    /** Unbounded mailboxes give processed size units back in batches of this many. */
    private static final int RELEASE_BATCH = 64;
    /** How long a run that found a stream of messages lingers for the next one. */
    private static final long LINGER_NANOS = 2_000;
    private static final int NORMAL = Envelope.NORMAL;

    private static final VarHandle STACK;
    private static final VarHandle STATUS;
    private static final VarHandle SIZE;
    private static final VarHandle CURRENT;
    private static final VarHandle OWNER;
    private static final VarHandle BEHAVIOR;
    private static final VarHandle LANE_VERSION;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STACK = l.findVarHandle(MpscMailbox.class, "stack", Envelope.class);
            STATUS = l.findVarHandle(MpscMailbox.class, "status", int.class);
            SIZE = l.findVarHandle(MpscMailbox.class, "size", int.class);
            CURRENT = l.findVarHandle(MpscMailbox.class, "current", Envelope.class);
            OWNER = l.findVarHandle(MpscMailbox.class, "owner", MailboxOwner.class);
            BEHAVIOR = l.findVarHandle(MpscMailbox.class, "behavior", Behavior.class);
            LANE_VERSION = l.findVarHandle(MpscMailbox.class, "laneVersion", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final OverflowStrategy overflow;
    private final int starvationLimit;
    /** Guards the lanes for DROP_OLDEST and BLOCK mailboxes; {@code null} otherwise. */
    private final ReentrantLock laneLock;
    /**
     * BLOCK: parked senders, oldest first, under laneLock; {@code null} for other strategies. A
     * set, so that a parked sender that times out or cancels leaves it at once (see park).
     */
    private final LinkedHashSet<Envelope> waiting;

    // ---- registration: written once by the routing table before it publishes this mailbox
    /** The actor id; valid once {@link #registered}. Read by routing lookups after an acquire load. */
    long id;
    private volatile boolean registered;
    @SuppressWarnings("unused") // CAS through OWNER
    private volatile MailboxOwner owner;

    // ---- registration order, guarded by the routing table's lock; orderNext is read lock-free
    MpscMailbox<?> orderPrev;
    volatile MpscMailbox<?> orderNext;

    // ---- shared between producers, the consumer and closers
    @SuppressWarnings("unused") // accessed through STACK
    private volatile Envelope stack;
    @SuppressWarnings("unused") // accessed through STATUS
    private volatile int status;
    @SuppressWarnings("unused") // accessed through SIZE
    private volatile int size;
    /** Set (never cleared) by the first producer that pushes a non-NORMAL message. */
    private volatile boolean priorityUsed;
    /**
     * The envelope being processed (set by poll, so a closer finds a request either in the lanes
     * or here; also what {@link #headers()} reads): written release by the consumer, read
     * acquire by a closing broker.
     */
    @SuppressWarnings("unused") // accessed through CURRENT
    private Envelope current;
    /** Requests answered later and not yet completed; created on first use by the consumer. */
    private volatile Set<Envelope> pendingReplies;

    // ---- the attached actor: written before the ATTACHED bit is set (CAS), read by the consumer
    @SuppressWarnings("unused") // CAS through BEHAVIOR
    private volatile Behavior<?> behavior;
    private Dispatcher dispatcher;

    // ---- lanes: consumer-only, or under laneLock when it exists
    private Envelope head;
    private Envelope tail;
    private Envelope[] lanes; // [2p] head, [2p + 1] tail of priority p; null until a non-NORMAL message
    private int arrivals;
    private int consecutive;
    /**
     * Odd while the role holder rewrites the lanes (or {@link #current}), even otherwise; a
     * closer reads the lanes of a lock-free mailbox as a seqlock reader (see queuedRequests).
     * Written only by the consumer-role holder.
     */
    @SuppressWarnings("unused") // accessed through LANE_VERSION
    private int laneVersion;
    /** Unbounded only: processed messages whose size unit is not yet given back (see releaseUnit). */
    private int unreleased;

    // ---- consumer-only (plain): touched only while holding the consumer role
    private Actor<Object> actor;
    private boolean started;
    private boolean running;
    private boolean stopRequested;

    /**
     * Creates an unregistered mailbox that refuses messages when full.
     *
     * @param capacity the bound, or {@link Mailbox#UNBOUNDED}
     */
    public MpscMailbox(int capacity) {
        this(capacity, OverflowStrategy.FAIL, 0);
    }

    /**
     * Creates an unregistered mailbox.
     *
     * @param capacity        the bound, or {@link Mailbox#UNBOUNDED}
     * @param overflow        what to do when full
     * @param starvationLimit higher-priority picks in a row before the oldest goes; 0 for strict
     */
    public MpscMailbox(int capacity, OverflowStrategy overflow, int starvationLimit) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.starvationLimit = starvationLimit;
        this.laneLock = overflow == OverflowStrategy.DROP_OLDEST || overflow == OverflowStrategy.BLOCK
                ? new ReentrantLock() : null;
        this.waiting = overflow == OverflowStrategy.BLOCK ? new LinkedHashSet<>() : null;
    }

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

    @Override
    public int size() {
        return Math.max(0, (int) SIZE.getVolatile(this));
    }

    @Override
    public ActorId actorId() {
        return registered ? ActorId.of(id) : null;
    }

    @Override
    public boolean isClosed() {
        return STACK.getVolatile(this) == CLOSED;
    }

    // ------------------------------------------------------------------ registration

    /**
     * Claims this mailbox for one broker; a mailbox is registered at most once in its life.
     *
     * @param newOwner the registering broker
     * @throws IllegalStateException if it was claimed before
     */
    public void claim(MailboxOwner newOwner) {
        if (!OWNER.compareAndSet(this, null, newOwner)) {
            throw new IllegalStateException(registered
                    ? "mailbox is already registered as " + ActorId.of(id) + "; create one mailbox per actor"
                    : "mailbox is being registered by another call; create one mailbox per actor");
        }
    }

    /**
     * Gives up a claim whose registration failed, so the mailbox can be registered again.
     *
     * @param oldOwner the broker that claimed it
     */
    public void unclaim(MailboxOwner oldOwner) {
        OWNER.compareAndSet(this, oldOwner, null);
    }

    /** Called by the routing table, under its lock, before it publishes this mailbox. */
    void bind(long actorId) {
        this.id = actorId;
        this.registered = true;
    }

    /**
     * Returns the id as a number; valid once registered.
     *
     * @return the actor id's value
     */
    public long id() {
        return id;
    }

    private MailboxOwner owner() {
        return (MailboxOwner) OWNER.getAcquire(this);
    }

    private Outcomes outcomes() {
        MailboxOwner o = owner();
        return o == null ? null : o.outcomes();
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
        if (overflow == OverflowStrategy.BLOCK) {
            return offerOrPark(e, mayWait, sampleStart);
        }
        if ((int) SIZE.getAndAdd(this, 1) >= capacity) {
            SIZE.getAndAdd(this, -1);
            switch (overflow) {
                case DROP_NEWEST:
                    return DROPPED;
                case DROP_OLDEST:
                    return offerEvicting(e, sampleStart);
                default:
                    return FULL;
            }
        }
        return push(e, sampleStart);
    }

    /** Pushes an envelope whose size unit is already reserved. */
    private int push(Envelope e, long sampleStart) {
        Envelope h;
        do {
            h = (Envelope) STACK.getVolatile(this);
            if (h == CLOSED) {
                SIZE.getAndAdd(this, -1);
                return CLOSED_MAILBOX;
            }
            e.next = h;
        } while (!STACK.compareAndSet(this, h, e));
        // NOTE: only the producer that made the stack non-empty needs to schedule. Whoever pushed
        // onto the empty stack checks the status after its push (volatile CAS, then volatile read);
        // the consumer clears SCHEDULED and then re-reads the stack (see finishRun). By the total
        // order of volatile accesses, one of the two sees the other, so no wake-up is lost.
        // Covered by MpscMailboxTest.manyProducersNoLostWakeup.
        if (sampleStart != 0L) {
            Outcomes o = outcomes();
            if (o != null) {
                o.sampleEnd(sampleStart);
            }
        }
        if (h == null) {
            scheduleIfIdle();
        }
        return ACCEPTED;
    }

    /** DROP_OLDEST on a full mailbox: evict the oldest message of the lowest waiting priority. */
    private int offerEvicting(Envelope e, long sampleStart) {
        Envelope victim;
        for (int spins = 0; ; spins++) {
            laneLock.lock();
            try {
                Envelope taken = takeStack();
                if (taken == CLOSED) {
                    return CLOSED_MAILBOX;
                }
                if (taken != null) {
                    moveToLanes(taken); // the push below makes the stack non-empty and schedules
                }
                victim = removeOldestOfLowestLane();
            } finally {
                laneLock.unlock();
            }
            if (victim != null) {
                break;
            }
            // NOTE: full, yet nothing to evict: every unit is reserved by a producer between its
            // reservation and its push. That push lands in a few instructions; wait for it (or for
            // room) rather than refuse, since DROP_OLDEST promises to accept the newest message.
            // Covered by OverflowStrategyTest's concurrent DROP_OLDEST try-send test.
            if ((int) SIZE.getAndAdd(this, 1) < capacity) {
                return push(e, sampleStart);
            }
            SIZE.getAndAdd(this, -1);
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        // the victim's unit now belongs to e: size is unchanged
        int result = push(e, sampleStart);
        victim.retireUndelivered(new SendException(SendError.MAILBOX_FULL, ActorId.of(id), typeName(victim.message),
                "evicted from its full mailbox (capacity " + capacity + ", DROP_OLDEST) for a newer message", null,
                false), // backpressure is routine here: no stack trace
                DeadLetterReason.EVICTED, target(), outcomes());
        return result;
    }

    /** BLOCK: take a unit if there is room and nobody waits before us, else park the envelope. */
    private int offerOrPark(Envelope e, boolean mayWait, long sampleStart) {
        boolean parked = false;
        laneLock.lock();
        try {
            if (STACK.getVolatile(this) == CLOSED) {
                return CLOSED_MAILBOX;
            }
            // NOTE: in a BLOCK mailbox units are only taken under laneLock (here and in admit),
            // and only given back by the consumer, so this check-then-add cannot overshoot.
            if (!waiting.isEmpty() || (int) SIZE.getVolatile(this) >= capacity) {
                if (!mayWait) {
                    return FULL;
                }
                waiting.add(e);
                parked = true;
            } else {
                SIZE.getAndAdd(this, 1);
            }
        } finally {
            laneLock.unlock();
        }
        if (!parked) {
            return push(e, sampleStart);
        }
        // NOTE: a parked sender that times out or cancels leaves the waiting set at once, so
        // senders that gave up are not retained until the consumer moves. Removal from the set,
        // under laneLock, is the retirement token shared with admitWaiting and close.
        // Covered by OverflowStrategyTest.blockReleasesTimedOutParkedSenders.
        e.whenComplete((value, error) -> leaveWaiting(e));
        return PARKED;
    }

    /** BLOCK: a parked sender's future completed; retire it if it was still waiting. */
    private void leaveWaiting(Envelope e) {
        boolean removed;
        laneLock.lock();
        try {
            removed = waiting.remove(e);
        } finally {
            laneLock.unlock();
        }
        if (removed) {
            e.retireSkipped(target(), outcomes());
        }
    }

    private void scheduleIfIdle() {
        for (;;) {
            int s = (int) STATUS.getVolatile(this);
            if ((s & (ATTACHED | SCHEDULED)) != ATTACHED) {
                return; // no actor yet (attach schedules), or a consumer is already on it
            }
            if (STATUS.compareAndSet(this, s, s | SCHEDULED)) {
                submit();
                return;
            }
        }
    }

    private void submit() {
        submit(false);
    }

    private void submit(boolean budgetUsed) {
        try {
            if (budgetUsed) {
                dispatcher.resubmit(this);
            } else {
                dispatcher.executor().execute(this);
            }
        } catch (RejectedExecutionException rex) {
            // We hold the role but the executor will never run us: stop the actor here so that no
            // queued message is left hanging.
            // A closed mailbox whose run is refused by an executor shutting down with its system
            // is the normal end of a close: not worth an error.
            System.Logger.Level level = STACK.getVolatile(this) == CLOSED
                    ? System.Logger.Level.DEBUG : System.Logger.Level.ERROR;
            LOG.log(level, () -> actorIdString() + ": executor rejected the actor's run; "
                    + "stopping it and failing its queued messages", rex);
            owner().deregister(this);
            terminate();
        }
    }

    // ------------------------------------------------------------------ attach

    /**
     * Attaches an actor and starts it ({@code preStart} runs on the executor, then queued
     * messages are processed).
     *
     * @param newBehavior   makes the actor
     * @param newDispatcher where it runs
     * @throws IllegalStateException if not registered, closed, or an actor is already attached
     */
    public void attach(Behavior<?> newBehavior, Dispatcher newDispatcher) {
        attach(newBehavior, newDispatcher, null, false);
    }

    /**
     * Attaches an actor and starts it, checking which broker the mailbox belongs to.
     *
     * @param newBehavior    makes the actor
     * @param newDispatcher  where it runs
     * @param expectedBroker the broker the mailbox must be registered with, or {@code null}
     * @param spawning       {@code true} when called right after this caller registered the
     *                       mailbox: a concurrent unregister then wins quietly (the actor counts as
     *                       stopped at once) instead of failing the call
     * @throws IllegalStateException    if not registered, closed (unless spawning), or an actor is
     *                                  already attached
     * @throws IllegalArgumentException if registered with another broker than {@code expectedBroker}
     */
    public void attach(Behavior<?> newBehavior, Dispatcher newDispatcher, MessageBroker expectedBroker,
                       boolean spawning) {
        Objects.requireNonNull(newBehavior, "behavior");
        Objects.requireNonNull(newDispatcher, "dispatcher");
        if (!registered) {
            throw new IllegalStateException("mailbox is not registered: call broker.register(id, mailbox) first");
        }
        MailboxOwner o = owner();
        if (expectedBroker != null && (o == null || o.broker() != expectedBroker)) {
            throw new IllegalArgumentException(actorIdString() + "'s mailbox is registered with another broker "
                    + "than this actor system's; attach it with the system whose broker registered it");
        }
        if (!BEHAVIOR.compareAndSet(this, null, newBehavior)) {
            throw new IllegalStateException("an actor is already attached to " + actorIdString());
        }
        this.dispatcher = newDispatcher;
        for (;;) {
            int s = (int) STATUS.getVolatile(this);
            // A closer sets CLOSED before it takes the role, so a held role here means closed.
            if ((s & SCHEDULED) != 0 || STACK.getVolatile(this) == CLOSED) {
                if (spawning) {
                    return; // unregistered between our register and attach: it stopped before it started
                }
                throw new IllegalStateException(actorIdString() + " was unregistered; its mailbox is closed");
            }
            // NOTE: the CAS publishes behavior and dispatcher (written above) to every thread
            // that later reads the status and sees ATTACHED.
            if (STATUS.compareAndSet(this, s, s | ATTACHED | SCHEDULED)) {
                break;
            }
        }
        submit();
    }

    // ------------------------------------------------------------------ consumer

    @Override
    public void run() {
        try {
            runMessages();
        } catch (Throwable t) {
            abortRun(t);
        }
    }

    private void runMessages() {
        if (!started) {
            started = true;
            if (STACK.getVolatile(this) == CLOSED) {
                terminate(); // closed before its first run: an actor that gets no message is not started
                return;
            }
            startActor();
        }
        int budget = dispatcher.throughput();
        int processed = 0;
        for (;;) {
            if (stopRequested) {
                stopRequested = false;
                owner().deregister(this); // closes the mailbox: the next poll returns CLOSED
            }
            Envelope e = poll();
            if (e == null && processed > 1 && awaitBriefly()) {
                e = poll();
            }
            if (e == null) {
                break;
            }
            processed++;
            if (e == CLOSED) {
                terminate();
                return;
            }
            process(e);
            if (!stopRequested && --budget == 0) {
                break;
            }
        }
        finishRun();
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
            // NOTE: look at the stack only every few pauses: a tight read loop would keep pulling
            // the cache line producers CAS on away from them.
            for (int i = 0; i < 8; i++) {
                Thread.onSpinWait();
            }
            if (STACK.getVolatile(this) != null) {
                return true;
            }
        } while (System.nanoTime() - deadline < 0);
        return false;
    }

    private void finishRun() {
        flushReleases();
        if (hasLaneWork()) {
            submit(true); // budget used up: keep the role, go to the back of the executor's queue
            return;
        }
        STATUS.getAndBitwiseAnd(this, ~SCHEDULED);
        // NOTE: re-read the stack after releasing the role: a producer that pushed while we still
        // held it saw SCHEDULED and did not schedule (see push). CLOSED also counts as work.
        // With a lane lock, an evicting producer may also have moved the stack into the lanes
        // after our check above: re-check them too (under the lock, so its move is visible).
        if (STACK.getVolatile(this) != null || (laneLock != null && hasLaneWork())) {
            scheduleIfIdle();
        }
    }

    private boolean hasLaneWork() {
        if (laneLock == null) {
            return !lanesEmpty();
        }
        laneLock.lock();
        try {
            return !lanesEmpty();
        } finally {
            laneLock.unlock();
        }
    }

    /**
     * Returns the next envelope, {@code null} if none, or {@link #CLOSED}. Consumer only. A
     * message becomes {@link #current} before the lane-write window closes, so a closer finds
     * every queued request either in the lanes or as the current one.
     */
    private Envelope poll() {
        if (laneLock != null) {
            laneLock.lock();
        }
        int v = beginLaneWrite();
        try {
            Envelope e = pollLanes();
            if (e != null && e != CLOSED) {
                CURRENT.setRelease(this, e);
            }
            return e;
        } finally {
            endLaneWrite(v);
            if (laneLock != null) {
                laneLock.unlock();
            }
        }
    }

    private int beginLaneWrite() {
        int v = laneVersion; // plain: only the role holder writes it
        LANE_VERSION.setOpaque(this, v + 1);
        // NOTE: the odd version must be visible before any lane write: a closer that reads the
        // lanes and then the same even version knows no write overlapped its read (seqlock).
        VarHandle.storeStoreFence();
        return v;
    }

    private void endLaneWrite(int v) {
        // NOTE: release: the lane writes happen-before a closer's acquire read of the new version.
        LANE_VERSION.setRelease(this, v + 2);
    }

    private Envelope pollLanes() {
        Envelope s = (Envelope) STACK.getVolatile(this);
        if (s == CLOSED) {
            return CLOSED;
        }
        // Drain per batch while only NORMAL traffic was seen; before every message once
        // priorities are in use, so that a higher priority overtakes what was taken earlier.
        if (s != null && (lanes != null || priorityUsed || lanesEmpty())) {
            Envelope taken = takeStack();
            if (taken == CLOSED) {
                return CLOSED;
            }
            if (taken != null) {
                moveToLanes(taken);
            }
        }
        return pollLane();
    }

    /** Takes the whole stack: newest first, {@code null} if empty, or {@link #CLOSED}. */
    private Envelope takeStack() {
        for (;;) {
            Envelope s = (Envelope) STACK.getVolatile(this);
            if (s == null || s == CLOSED) {
                return s;
            }
            if (STACK.compareAndSet(this, s, null)) {
                return s;
            }
        }
    }

    /** Appends a newest-first chain to the lanes in arrival order. */
    private void moveToLanes(Envelope newest) {
        Envelope prev = null;
        Envelope cur = newest;
        while (cur != null) { // reverse: oldest first
            Envelope next = cur.next;
            cur.next = prev;
            prev = cur;
            cur = next;
        }
        for (Envelope e = prev; e != null; ) {
            Envelope next = e.next;
            e.next = null;
            e.seq = arrivals++;
            appendLane(e);
            e = next;
        }
    }

    private void appendLane(Envelope e) {
        if (lanes == null) {
            if (e.priority == NORMAL) {
                if (tail == null) {
                    head = e;
                } else {
                    tail.next = e;
                }
                tail = e;
                return;
            }
            lanes = new Envelope[2 * LANES];
            lanes[2 * NORMAL] = head;
            lanes[2 * NORMAL + 1] = tail;
            head = null;
            tail = null;
        }
        int p = 2 * e.priority;
        if (lanes[p + 1] == null) {
            lanes[p] = e;
        } else {
            lanes[p + 1].next = e;
        }
        lanes[p + 1] = e;
    }

    private boolean lanesEmpty() {
        if (lanes == null) {
            return head == null;
        }
        for (int p = 0; p < LANES; p++) {
            if (lanes[2 * p] != null) {
                return false;
            }
        }
        return true;
    }

    private Envelope pollLane() {
        if (lanes == null) {
            Envelope e = head;
            if (e != null) {
                head = e.next;
                if (head == null) {
                    tail = null;
                }
                e.next = null;
            }
            return e;
        }
        int top = LANES - 1;
        while (top >= 0 && lanes[2 * top] == null) {
            top--;
        }
        if (top < 0) {
            return null;
        }
        int pick = top;
        if (starvationLimit > 0) {
            int oldest = top;
            for (int p = top - 1; p >= 0; p--) {
                Envelope h = lanes[2 * p];
                if (h != null && h.seq - lanes[2 * oldest].seq < 0) {
                    oldest = p;
                }
            }
            if (oldest == top && !lowerLaneWaiting(top)) {
                consecutive = 0;
            } else if (consecutive >= starvationLimit) {
                pick = oldest; // a lower priority has waited long enough: the oldest message goes
                consecutive = 0;
            } else {
                consecutive++;
            }
        }
        return removeHead(pick);
    }

    private boolean lowerLaneWaiting(int top) {
        for (int p = top - 1; p >= 0; p--) {
            if (lanes[2 * p] != null) {
                return true;
            }
        }
        return false;
    }

    private Envelope removeHead(int p) {
        Envelope e = lanes[2 * p];
        lanes[2 * p] = e.next;
        if (e.next == null) {
            lanes[2 * p + 1] = null;
        }
        e.next = null;
        return e;
    }

    /** DROP_OLDEST: the oldest envelope of the lowest non-empty lane, removed; under laneLock. */
    private Envelope removeOldestOfLowestLane() {
        if (lanes == null) {
            return pollLane();
        }
        for (int p = 0; p < LANES; p++) {
            if (lanes[2 * p] != null) {
                return removeHead(p);
            }
        }
        return null;
    }

    /**
     * Gives back a processed message's size unit. A bounded mailbox does it at once (the bound
     * must free up exactly); an unbounded one, whose size only informs, batches it.
     */
    private void releaseUnit() {
        if (capacity != UNBOUNDED) {
            SIZE.getAndAdd(this, -1);
        } else if (++unreleased >= RELEASE_BATCH) {
            flushReleases();
        }
    }

    private void flushReleases() {
        // NOTE: a per-message decrement would write the cache line producers CAS on for every
        // message (size and stack share it): batching removes that ping-pong between the cores.
        if (unreleased != 0) {
            SIZE.getAndAdd(this, -unreleased);
            unreleased = 0;
        }
    }

    private void process(Envelope e) {
        try {
            processCurrent(e);
        } finally {
            CURRENT.setRelease(this, null); // set by poll
        }
    }

    private void processCurrent(Envelope e) {
        releaseUnit();
        if (waiting != null) {
            admitWaiting();
        }
        Outcomes o = owner().outcomes();
        // NOTE: one CAS decides between the start and a timeout (Envelope.claimStart), and the
        // deadline is checked here too, whatever the timer's lag: a message is never started
        // after its sender was told it timed out before starting. Cancelled or failed by a
        // close: skipped as well.
        if (!e.claimStart(id)) {
            e.retireSkipped(target(), o);
            return;
        }
        Object message = e.message;
        try {
            if (!running) {
                e.retireUndelivered(stoppedError(e, "the actor failed to start"), DeadLetterReason.ACTOR_STOPPED,
                        target(), o);
                return;
            }
            Behavior<?> b = behavior;
            Handled handled = b.protocol().isInstance(message) ? actor.receive(this, message) : Handled.unhandled();
            if (handled == null) {
                throw new NullPointerException(actorIdString() + " returned null for " + typeName(message)
                        + "; return Handled.reply, Handled.done or Handled.unhandled()");
            }
            if (handled.isUnhandled()) {
                e.retireUndelivered(new BrokerException(BrokerError.ROUTING_FAILED, ActorId.of(id), actorIdString()
                        + " has no handler for " + message.getClass().getName()
                        + " (its protocol is " + b.protocol().getName() + ")"), DeadLetterReason.UNHANDLED, target(), o);
            } else if (handled.later() != null) {
                replyLater(e, handled.later(), o);
            } else {
                e.retireDelivered(handled.value(), o);
            }
        } catch (Throwable t) {
            e.retireFailed(handlerFailed(message, t), o);
            if (t instanceof VirtualMachineError vme) {
                throw vme; // no supervision: the run stops the actor (abortRun)
            }
            if (e.oneWay) {
                LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + " failed on fire-and-forget "
                        + typeName(message), t);
            }
            afterFailure(message, t);
        }
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
                o.deregister(this); // closes the mailbox; the role stays ours
            } else {
                close(false);
            }
        } finally {
            if (((int) STATUS.getVolatile(this) & TERMINATED) == 0) {
                terminate();
            }
        }
    }

    /** BLOCK: move parked senders into the lanes while there is room, oldest first. Consumer only. */
    private void admitWaiting() {
        List<Envelope> expired = null;
        laneLock.lock();
        try {
            if (waiting.isEmpty() || (int) SIZE.getVolatile(this) >= capacity) {
                return;
            }
            // NOTE: take the intake stack first: a parked sender's earlier message may still sit
            // there, and appending the parked one before it would break per-sender FIFO.
            // Covered by OverflowStrategyTest.blockKeepsPerSenderOrderWhenTheActorIsBusy.
            Envelope taken = takeStack();
            if (taken == CLOSED) {
                return; // the closer fails the parked senders
            }
            if (taken != null) {
                moveToLanes(taken);
            }
            while (!waiting.isEmpty() && (int) SIZE.getVolatile(this) < capacity) {
                Envelope w = waiting.removeFirst();
                if (w.isDone()) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(w); // timed out or cancelled while it waited for room
                    continue;
                }
                SIZE.getAndAdd(this, 1);
                w.seq = arrivals++;
                appendLane(w);
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

    private void replyLater(Envelope e, CompletionStage<?> later, Outcomes outcomes) {
        Set<Envelope> pending = pendingReplies;
        if (pending == null) {
            pending = ConcurrentHashMap.newKeySet();
            pendingReplies = pending;
        }
        pending.add(e);
        Set<Envelope> p = pending;
        // NOTE: removal from the set is the exactly-once retirement token: either the stage
        // completes first and retires the envelope, or a closing broker removes and fails it.
        later.whenComplete((value, error) -> {
            if (p.remove(e)) {
                if (error == null) {
                    e.retireDelivered(value, outcomes);
                } else {
                    e.retireFailed(handlerFailed(e.message, error instanceof CompletionException ce
                            && ce.getCause() != null ? ce.getCause() : error), outcomes);
                }
            }
        });
        // NOTE: the sender may give up first (timeout, cancel): then the reply is not awaited any
        // more, so it leaves the pending set now and is counted as failed, even if the stage
        // never completes. Covered by ActorRuntimeTest.asyncReplyThatNeverCompletesIsReleased.
        e.whenComplete((value, error) -> {
            if (p.remove(e)) {
                outcomes.failed();
            }
        });
    }

    /**
     * What the sender of {@code message} sees when this actor's handler threw {@code error} or
     * the stage it returned failed with it: an {@link ActorFailedException} naming the actor and
     * the message type, so a handler failure is never mistaken for a broker error (issue 10).
     * The wrapper is stackless (the cause holds the handler's stack). If even that allocation
     * fails (a real out-of-memory condition), the sender gets the raw error rather than no
     * answer at all: the future must complete.
     */
    private Throwable handlerFailed(Object message, Throwable error) {
        try {
            return new ActorFailedException(ActorId.of(id), typeName(message), error);
        } catch (VirtualMachineError noRoom) {
            return error;
        }
    }

    private void afterFailure(Object message, Throwable error) {
        Directive d;
        try {
            d = actor.onFailure(this, message, error);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, () -> actorIdString() + ": onFailure threw; stopping the actor", t);
            d = Directive.STOP;
        }
        switch (d == null ? Directive.STOP : d) {
            case RESUME -> { }
            case STOP -> stopRequested = true;
            case RESTART -> {
                callPostStop();
                startActor();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void startActor() {
        running = false;
        try {
            Actor<?> a = Objects.requireNonNull(behavior.factory().get(),
                    () -> "the behavior's factory returned null for " + actorIdString());
            actor = (Actor<Object>) a;
            actor.preStart(this);
            running = true;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, () -> actorIdString() + " failed to start; stopping it", t);
            stopRequested = true;
        }
    }

    private void callPostStop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            actor.postStop(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + ": postStop threw", t);
        }
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the mailbox; idempotent. Queued and parked envelopes fail with
     * {@code ACTOR_STOPPED} now, even while the actor is busy (their counting and dead letters
     * follow when the consumer retires them). If the actor is idle, its {@code postStop} runs
     * on this thread; if it is processing a message, that message finishes and the consumer
     * then stops it.
     *
     * @param brokerClosing also fail the envelope being processed and pending later-replies, so
     *                      that every future is complete when the broker's close returns
     * @return {@code true} if this call closed it
     */
    public boolean close(boolean brokerClosing) {
        Envelope taken;
        for (;;) {
            Envelope s = (Envelope) STACK.getVolatile(this);
            if (s == CLOSED) {
                return false;
            }
            if (STACK.compareAndSet(this, s, CLOSED)) {
                taken = s;
                break;
            }
        }
        Outcomes o = outcomes();
        List<Envelope> stopped = new ArrayList<>();
        for (Envelope e = taken; e != null; e = e.next) {
            stopped.add(e);
        }
        for (int i = stopped.size() - 1; i >= 0; i--) { // oldest first
            Envelope e = stopped.get(i);
            e.next = null;
            SIZE.getAndAdd(this, -1);
            failStopped(e, o);
        }
        if (laneLock != null) {
            List<Envelope> parked;
            laneLock.lock();
            try {
                parked = waiting == null ? List.of() : new ArrayList<>(waiting);
                if (waiting != null) {
                    waiting.clear();
                }
                // NOTE: taken under the lock after the stack became CLOSED: a sender that parks
                // later sees CLOSED under the same lock and is refused, so none is left parked.
            } finally {
                laneLock.unlock();
            }
            for (Envelope e : parked) {
                failStopped(e, o);
            }
        }
        // NOTE: the lanes belong to the consumer, which may be stuck in a handler for good: fail the
        // queued requests' futures from here (reading the lanes under the lock, or as a seqlock
        // reader), so that no caller waits on a message that can no longer run. Covered by
        // MessageBrokerContract's close-while-busy tests.
        for (Envelope e : queuedRequests()) {
            e.fail(stoppedError(e, "the actor stopped before processing it"));
        }
        if (brokerClosing) {
            Envelope inFlight = (Envelope) CURRENT.getAcquire(this);
            if (inFlight != null && !inFlight.oneWay) { // nobody waits for a one-way message
                inFlight.fail(stoppedError(inFlight, "the broker closed while the actor was processing it"));
            }
            Set<Envelope> pending = pendingReplies;
            if (pending != null) {
                for (Envelope e : pending) {
                    if (pending.remove(e)) {
                        failStopped(e, o);
                    }
                }
            }
        }
        for (;;) {
            int s = (int) STATUS.getVolatile(this);
            if ((s & SCHEDULED) != 0) {
                return true; // the consumer sees CLOSED before its next message and terminates
            }
            if (STATUS.compareAndSet(this, s, s | SCHEDULED)) {
                terminate();
                return true;
            }
        }
    }

    /**
     * The requests waiting in the lanes, read consistently by a thread that is not the consumer:
     * under the lane lock when the mailbox has one, else as a seqlock reader of
     * {@link #laneVersion}. The consumer writes the lanes only between messages, in short
     * windows that run no user code, so an even version soon holds still (a consumer stuck in
     * a handler is outside any window).
     */
    private List<Envelope> queuedRequests() {
        List<Envelope> seen = new ArrayList<>();
        if (laneLock != null) {
            laneLock.lock();
            try {
                collectRequests(seen, Integer.MAX_VALUE);
            } finally {
                laneLock.unlock();
            }
            return seen;
        }
        long giveUp = System.nanoTime() + 1_000_000_000L;
        for (int spins = 0; ; spins++) {
            if (((int) STATUS.getVolatile(this) & TERMINATED) != 0) {
                return List.of(); // the consumer retired them itself
            }
            int v = (int) LANE_VERSION.getAcquire(this);
            if ((v & 1) == 0) {
                seen.clear();
                // NOTE: a consistent read holds at most size() envelopes (size counts every message
                // not yet processed); a longer walk met a concurrent rewrite (it may even meet a
                // half-reversed chain that loops), so it stops and the version check fails it.
                boolean whole = collectRequests(seen, (int) SIZE.getVolatile(this) + 1);
                VarHandle.loadLoadFence();
                if (whole && (int) LANE_VERSION.getOpaque(this) == v) {
                    return seen;
                }
            }
            if (System.nanoTime() - giveUp > 0) {
                LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + ": its consumer kept rewriting the "
                        + "lanes for a second; its queued requests fail when it stops");
                return List.of();
            }
            if (spins < 256) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Adds the lanes' requests to {@code out}; {@code false} if more than {@code limit} nodes. */
    private boolean collectRequests(List<Envelope> out, int limit) {
        int walked = 0;
        Envelope[] ls = lanes;
        int laneCount = ls == null ? 1 : LANES;
        for (int p = 0; p < laneCount; p++) {
            for (Envelope e = ls == null ? head : ls[2 * p]; e != null; e = e.next) {
                if (++walked > limit) {
                    return false;
                }
                if (!e.oneWay) {
                    out.add(e);
                }
            }
        }
        return true;
    }

    /** Fails the lanes and runs postStop. Holds the role; the stack is CLOSED. */
    private void terminate() {
        List<Envelope> left = new ArrayList<>();
        if (laneLock != null) {
            laneLock.lock();
        }
        int v = beginLaneWrite();
        try {
            for (Envelope e = pollLane(); e != null; e = pollLane()) {
                left.add(e);
            }
        } finally {
            endLaneWrite(v);
            if (laneLock != null) {
                laneLock.unlock();
            }
        }
        Outcomes o = outcomes();
        for (Envelope e : left) {
            SIZE.getAndAdd(this, -1);
            failStopped(e, o);
        }
        flushReleases();
        callPostStop();
        actor = null;
        STATUS.getAndBitwiseOr(this, TERMINATED);
    }

    private void failStopped(Envelope e, Outcomes o) {
        e.retireUndelivered(stoppedError(e, "the actor stopped before processing it"),
                DeadLetterReason.ACTOR_STOPPED, target(), o);
    }

    private SendException stoppedError(Envelope e, String why) {
        return new SendException(SendError.ACTOR_STOPPED, ActorId.of(id), typeName(e.message), why, null);
    }

    private DeadLetter.Target target() {
        return new DeadLetter.ToActor(ActorId.of(id));
    }

    // ------------------------------------------------------------------ ActorContext

    @Override
    public ActorId self() {
        return ActorId.of(id);
    }

    @Override
    public MessageBroker broker() {
        return owner().broker();
    }

    @Override
    public Map<String, String> headers() {
        Envelope e = (Envelope) CURRENT.getAcquire(this);
        return e == null ? Map.of() : e.headers();
    }

    /**
     * Stops the actor: it leaves routing now and its queued messages fail with
     * {@code ACTOR_STOPPED}; a message being processed finishes, then {@code postStop} runs.
     * Safe from any thread (a later-reply continuation, for instance): the close is a CAS.
     */
    @Override
    public void stop() {
        MailboxOwner o = owner();
        if (o != null) {
            o.deregister(this);
        } else {
            close(false);
        }
    }

    // ------------------------------------------------------------------ helpers

    private String actorIdString() {
        return registered ? ActorId.of(id).toString() : "unregistered mailbox";
    }

    static String typeName(Object message) {
        return message.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "MpscMailbox[" + actorIdString() + ", size=" + size() + ", capacity="
                + (capacity == UNBOUNDED ? "unbounded" : capacity) + ", " + overflow + "]";
    }
}
