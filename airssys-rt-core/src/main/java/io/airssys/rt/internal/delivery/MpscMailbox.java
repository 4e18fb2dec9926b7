package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.Actor;
import io.airssys.rt.actor.ActorContext;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Directive;
import io.airssys.rt.actor.Handled;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * A multi-producer, single-consumer mailbox, optionally bounded, that also runs its actor.
 *
 * <h2>Design</h2>
 * Producers push envelopes onto a lock-free stack ({@link #stack}, a CAS loop). The consumer
 * takes the whole stack in one CAS, reverses it into a private FIFO ({@link #head}) and
 * processes from there. Reversal restores send order, so messages one thread sends are
 * processed in the order sent. Nodes are the envelopes themselves, so an idle mailbox holds no
 * queue storage and a message costs no extra allocation.
 *
 * <p>Exactly one thread at a time holds the <em>consumer role</em>: the {@link #SCHEDULED}
 * bit of {@link #status}. A producer that makes the stack non-empty tries to take the role
 * and, if it does, submits the mailbox (a {@link Runnable}) to the dispatcher's executor.
 * A run processes at most {@code throughput} messages, then yields: it keeps the role and
 * resubmits itself if its private queue still holds messages, or releases the role and
 * re-checks the stack. The role is what makes the actor single-threaded: its handlers and
 * lifecycle callbacks run only while it is held.
 *
 * <h2>States</h2>
 * <pre>
 *   registered ──attach──▶ ATTACHED ──(SCHEDULED on/off while running)──▶ closed ──▶ TERMINATED
 * </pre>
 * Closing replaces the stack with the {@link #CLOSED} sentinel in one CAS: the envelopes it
 * held are failed with {@code ACTOR_STOPPED}, and every later push sees the sentinel and is
 * refused, so no message can slip in after the close and be left hanging. The closer then
 * tries to take the consumer role; if it gets it (the actor is idle) it fails the private
 * queue and runs {@code postStop} itself, otherwise the running consumer sees the sentinel
 * before its next message and does so. A terminated mailbox keeps {@code SCHEDULED} set
 * forever, so it is never scheduled again.
 *
 * <h2>Bounds</h2>
 * {@link #size} counts enqueued-and-not-yet-taken messages. A producer reserves a unit before
 * pushing and gives it back when the mailbox is full or closed, so the bound is never
 * exceeded, even transiently, by accepted messages.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public final class MpscMailbox<P> extends Mailbox<P> implements Runnable, ActorContext {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.actor");

    /** {@link #offer} result: enqueued. */
    public static final int ACCEPTED = 0;
    /** {@link #offer} result: the bounded mailbox was at capacity. */
    public static final int FULL = 1;
    /** {@link #offer} result: the mailbox is closed. */
    public static final int CLOSED_MAILBOX = 2;

    /** Status bit: an actor is attached (its behavior and dispatcher fields are set). */
    static final int ATTACHED = 1;
    /** Status bit: the consumer role is held. */
    static final int SCHEDULED = 2;
    /** Status bit: closed and finished; {@link #SCHEDULED} stays set. */
    static final int TERMINATED = 4;

    /** Replaces the stack when the mailbox closes; never processed. */
    static final Envelope CLOSED = new Envelope("mailbox closed", null, 0, true);

    private static final VarHandle STACK;
    private static final VarHandle STATUS;
    private static final VarHandle SIZE;
    private static final VarHandle CURRENT;
    private static final VarHandle OWNER;
    private static final VarHandle BEHAVIOR;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STACK = l.findVarHandle(MpscMailbox.class, "stack", Envelope.class);
            STATUS = l.findVarHandle(MpscMailbox.class, "status", int.class);
            SIZE = l.findVarHandle(MpscMailbox.class, "size", int.class);
            CURRENT = l.findVarHandle(MpscMailbox.class, "current", Envelope.class);
            OWNER = l.findVarHandle(MpscMailbox.class, "owner", MailboxOwner.class);
            BEHAVIOR = l.findVarHandle(MpscMailbox.class, "behavior", Behavior.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;

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
    /** The envelope being processed: written release by the consumer, read acquire by a closing broker. */
    @SuppressWarnings("unused") // accessed through CURRENT
    private Envelope current;
    /** Requests answered later and not yet completed; created on first use by the consumer. */
    private volatile Set<Envelope> pendingReplies;

    // ---- the attached actor: written before the ATTACHED bit is set (CAS), read by the consumer
    @SuppressWarnings("unused") // CAS through BEHAVIOR
    private volatile Behavior<?> behavior;
    private Dispatcher dispatcher;

    // ---- consumer-only (plain): touched only while holding the consumer role
    private Actor<Object> actor;
    private Envelope head;
    private boolean started;
    private boolean running;
    private boolean stopRequested;

    /**
     * Creates an unregistered mailbox.
     *
     * @param capacity the bound, or {@link Mailbox#UNBOUNDED}
     */
    public MpscMailbox(int capacity) {
        this.capacity = capacity;
    }

    // ------------------------------------------------------------------ Mailbox

    @Override
    public int capacity() {
        return capacity;
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

    private MailboxOwner owner() {
        return (MailboxOwner) OWNER.getAcquire(this);
    }

    // ------------------------------------------------------------------ producers

    /**
     * Enqueues an envelope. Never blocks.
     *
     * @param e the envelope, not enqueued anywhere else
     * @return {@link #ACCEPTED}, {@link #FULL} or {@link #CLOSED_MAILBOX}
     */
    public int offer(Envelope e) {
        if ((int) SIZE.getAndAdd(this, 1) >= capacity) {
            SIZE.getAndAdd(this, -1);
            return FULL;
        }
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
        if (h == null) {
            scheduleIfIdle();
        }
        return ACCEPTED;
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
        try {
            dispatcher.executor().execute(this);
        } catch (RejectedExecutionException rex) {
            // We hold the role but the executor will never run us: stop the actor here so that no
            // queued message is left hanging.
            LOG.log(System.Logger.Level.ERROR, () -> actorIdString() + ": executor rejected the actor's run; "
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
     * @param newBehavior makes the actor
     * @param newDispatcher where it runs
     * @throws IllegalStateException if not registered, closed, or an actor is already attached
     */
    public void attach(Behavior<?> newBehavior, Dispatcher newDispatcher) {
        Objects.requireNonNull(newBehavior, "behavior");
        Objects.requireNonNull(newDispatcher, "dispatcher");
        if (!registered) {
            throw new IllegalStateException("mailbox is not registered: call broker.register(id, mailbox) first");
        }
        if (!BEHAVIOR.compareAndSet(this, null, newBehavior)) {
            throw new IllegalStateException("an actor is already attached to " + actorIdString());
        }
        this.dispatcher = newDispatcher;
        for (;;) {
            int s = (int) STATUS.getVolatile(this);
            // A closer sets CLOSED before it takes the role, so a held role here means closed.
            if ((s & SCHEDULED) != 0 || STACK.getVolatile(this) == CLOSED) {
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
        if (!started) {
            started = true;
            startActor();
        }
        int budget = dispatcher.throughput();
        for (;;) {
            if (stopRequested) {
                stopRequested = false;
                owner().deregister(this); // closes the mailbox: the next poll returns CLOSED
            }
            Envelope e = poll();
            if (e == null) {
                break;
            }
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

    private void finishRun() {
        if (head != null) {
            submit(); // budget used up: keep the role, go to the back of the executor's queue
            return;
        }
        STATUS.getAndBitwiseAnd(this, ~SCHEDULED);
        // NOTE: re-read the stack after releasing the role: a producer that pushed while we still
        // held it saw SCHEDULED and did not schedule (see offer). CLOSED also counts as work.
        if (STACK.getVolatile(this) != null) {
            scheduleIfIdle();
        }
    }

    /** Returns the next envelope, {@code null} if none, or {@link #CLOSED}. Consumer only. */
    private Envelope poll() {
        Envelope s = (Envelope) STACK.getVolatile(this);
        if (s == CLOSED) {
            return CLOSED;
        }
        Envelope e = head;
        if (e == null) {
            if (s == null) {
                return null;
            }
            while (!STACK.compareAndSet(this, s, null)) {
                s = (Envelope) STACK.getVolatile(this);
                if (s == CLOSED) {
                    return CLOSED;
                }
            }
            e = reverse(s);
        }
        head = e.next;
        e.next = null;
        return e;
    }

    /** Reverses a newest-first chain; returns the oldest. */
    private static Envelope reverse(Envelope newest) {
        Envelope prev = null;
        Envelope cur = newest;
        while (cur != null) {
            Envelope next = cur.next;
            cur.next = prev;
            prev = cur;
            cur = next;
        }
        return prev;
    }

    private void process(Envelope e) {
        SIZE.getAndAdd(this, -1);
        BrokerCounters counters = owner().counters();
        if (e.isDone()) {
            counters.failed(); // timed out or cancelled before it started: skipped, never processed late
            return;
        }
        CURRENT.setRelease(this, e);
        Object message = e.message;
        try {
            if (!running) {
                e.retireFailed(stoppedError(e, "the actor failed to start"), counters);
                return;
            }
            Behavior<?> b = behavior;
            Handled handled = b.protocol().isInstance(message) ? actor.receive(this, message) : Handled.unhandled();
            if (handled == null) {
                throw new NullPointerException(actorIdString() + " returned null for " + typeName(message)
                        + "; return Handled.reply, Handled.done or Handled.unhandled()");
            }
            if (handled.isUnhandled()) {
                e.retireFailed(new BrokerException(BrokerError.ROUTING_FAILED, ActorId.of(id), actorIdString()
                        + " has no handler for " + message.getClass().getName()
                        + " (its protocol is " + b.protocol().getName() + ")"), counters);
            } else if (handled.later() != null) {
                replyLater(e, handled.later(), counters);
            } else {
                e.retireDelivered(handled.value(), counters);
            }
        } catch (Throwable t) {
            e.retireFailed(t, counters);
            if (e.oneWay) {
                LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + " failed on fire-and-forget "
                        + typeName(message), t);
            }
            afterFailure(message, t);
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
        } finally {
            CURRENT.setRelease(this, null);
        }
    }

    private void replyLater(Envelope e, CompletionStage<?> later, BrokerCounters counters) {
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
                    e.retireDelivered(value, counters);
                } else {
                    e.retireFailed(error instanceof CompletionException ce && ce.getCause() != null
                            ? ce.getCause() : error, counters);
                }
            }
        });
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
     * Closes the mailbox; idempotent. Queued envelopes fail with {@code ACTOR_STOPPED} now. If
     * the actor is idle, its {@code postStop} runs on this thread; if it is processing a
     * message, that message finishes and the consumer then stops it.
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
        MailboxOwner o = owner();
        BrokerCounters counters = o == null ? null : o.counters();
        for (Envelope e = reverse(taken); e != null; ) {
            Envelope next = e.next;
            e.next = null;
            SIZE.getAndAdd(this, -1);
            failStopped(e, counters);
            e = next;
        }
        if (brokerClosing) {
            Envelope inFlight = (Envelope) CURRENT.getAcquire(this);
            if (inFlight != null) {
                inFlight.fail(stoppedError(inFlight, "the broker closed while the actor was processing it"));
            }
            Set<Envelope> pending = pendingReplies;
            if (pending != null) {
                for (Envelope e : pending) {
                    if (pending.remove(e)) {
                        failStopped(e, counters);
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

    /** Fails the private queue and runs postStop. Holds the role; the stack is CLOSED. */
    private void terminate() {
        MailboxOwner o = owner();
        BrokerCounters counters = o == null ? null : o.counters();
        for (Envelope e = head; e != null; ) {
            Envelope next = e.next;
            e.next = null;
            SIZE.getAndAdd(this, -1);
            failStopped(e, counters);
            e = next;
        }
        head = null;
        callPostStop();
        actor = null;
        STATUS.getAndBitwiseOr(this, TERMINATED);
    }

    private void failStopped(Envelope e, BrokerCounters counters) {
        e.retireFailed(stoppedError(e, "the actor stopped before processing it"), counters);
    }

    private SendException stoppedError(Envelope e, String why) {
        return new SendException(SendError.ACTOR_STOPPED, ActorId.of(id), typeName(e.message), why, null);
    }

    /**
     * Returns whether the mailbox finished closing: queue failed and postStop done.
     *
     * @return {@code true} once terminated
     */
    public boolean isTerminated() {
        return ((int) STATUS.getVolatile(this) & TERMINATED) != 0;
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
    public void stop() {
        stopRequested = true;
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
                + (capacity == UNBOUNDED ? "unbounded" : capacity) + "]";
    }
}
