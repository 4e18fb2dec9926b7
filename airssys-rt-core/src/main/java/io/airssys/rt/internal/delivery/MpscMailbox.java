package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.Actor;
import io.airssys.rt.actor.ActorContext;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Directive;
import io.airssys.rt.actor.Handled;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.MessageBroker;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.mailbox.OverflowStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actor cell: the top layer of an actor's mailbox, and the only concrete one. It holds
 * registration, the actor's lifecycle (start, restart, stop), supervision, pending later
 * replies and the {@link ActorContext} the handlers get.
 *
 * <h2>The layers</h2>
 * One object per actor, split by concern into a class hierarchy (as JCTools does), so an idle
 * actor pays one object header and the producers' and the consumer's fields land on
 * different cache lines:
 * <ol>
 *   <li>{@link MailboxProducerFields}: fields producers write (queue tail, status word,
 *       bounded reservations);</li>
 *   <li>{@link MailboxColdFields}: fields written once, the 64-byte gap;</li>
 *   <li>{@link MailboxConsumerFields}: fields the consumer writes per message;</li>
 *   <li>{@link IntrusiveMpscQueue}: the Vyukov intrusive MPSC queue of envelopes;</li>
 *   <li>{@link PriorityLanes}: consumer-private priority lanes and the seqlock for readers;</li>
 *   <li>{@link MailboxAdmission}: capacity and overflow strategies;</li>
 *   <li>{@link MailboxRunner}: status bits, consumer role, run loop, budget, linger, close
 *       handshake;</li>
 *   <li>this class.</li>
 * </ol>
 *
 * <h2>Close</h2>
 * Closing (unregister, the actor's own stop, a broker close) refuses every later offer, and
 * retires parked BLOCK senders and, when a run holds the role, the queued requests at once
 * (reading the queue and lanes as a seqlock reader; a retirement token per envelope keeps the
 * run from retiring them again), so no caller waits on a message that can no longer run and
 * its dead letter is there when close returns. Queued fire-and-forget messages are retired by
 * the role holder. If the actor is idle, {@code postStop} runs on the closing thread; if it is
 * processing a message, that message finishes and the run then stops it.
 *
 * @param <P> the messages it is meant to hold (documentation only)
 */
public final class MpscMailbox<P> extends MailboxRunner<P> implements ActorContext {

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
        super(capacity, overflow, starvationLimit);
    }

    // ------------------------------------------------------------------ registration

    @Override
    public ActorId actorId() {
        return registered ? ActorId.of(id) : null;
    }

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
        // NOTE: the status CAS publishes behavior and dispatcher (written above) to every thread
        // that later reads the status and sees ATTACHED.
        if (!attachAndSchedule()) {
            if (spawning) {
                return; // unregistered between our register and attach: it stopped before it started
            }
            throw new IllegalStateException(actorIdString() + " was unregistered; its mailbox is closed");
        }
        submit(false);
    }

    // ------------------------------------------------------------------ processing (the runner's hooks)

    @Override
    void applyStopRequest() {
        if (stopRequested) {
            stopRequested = false;
            owner().deregister(this); // closes the mailbox: the run sees closing next
        }
    }

    @Override
    boolean process(Envelope e) {
        try {
            return processCurrent(e);
        } finally {
            CURRENT.setRelease(this, null); // set by poll
        }
    }

    /** Processes e; {@code true} if it is a fire-and-forget message delivered (the run counts it). */
    private boolean processCurrent(Envelope e) {
        if (waiting() != null) {
            admitWaiting();
        }
        MailboxOwner own = owner();
        Outcomes o = own.outcomes(); // NOTE: no field of o is read on the fire-and-forget path (see hooks())
        // NOTE: one CAS decides between the start and a timeout (Envelope.claimStart), and the
        // deadline is checked here too, whatever the timer's lag: a message is never started
        // after its sender was told it timed out before starting. Cancelled or failed by a
        // close: skipped as well.
        if (!e.claimStart(id)) {
            e.retireSkipped(target(), o);
            return false;
        }
        Object message = e.message;
        try {
            if (lifecycle != RUNNING) {
                e.retireUndelivered(stoppedError(e, "the actor failed to start"), DeadLetterReason.ACTOR_STOPPED,
                        target(), o);
                return false;
            }
            Behavior<?> b = behavior;
            // NOTE: the hooks come from the owner (the broker object, read here anyway), not from
            // o: reading o's line per message costs a quarter of one actor's fire-and-forget rate,
            // since every send writes the LongAdder next to it (false sharing; JMH in
            // docs/benchmarks/2026-11-30-instrumentation.md). Without hooks the handler is called
            // right here; the observed call lives in its own method.
            Instrumentation hooks = own.hooks();
            Handled handled = hooks == null ? receive(b, message) : receiveObserved(e, b, message, hooks);
            return conclude(e, b, message, handled, o, hooks);
        } catch (Throwable t) {
            failed(e, message, t, o);
        }
        return false;
    }

    private Handled receive(Behavior<?> b, Object message) throws Exception {
        return b.protocol().isInstance(message) ? actor.receive(this, message) : Handled.unhandled();
    }

    /** The handler between its process hooks: started and ended on this thread, exactly once each. */
    private Handled receiveObserved(Envelope e, Behavior<?> b, Object message, Instrumentation hooks)
            throws Exception {
        ActorId self = ActorId.of(id);
        long started = System.nanoTime();
        Object processToken = hooks.onProcessStart(self, message, e.token(),
                e.sentNanos() == Envelope.UNSTAMPED ? 0L : Math.max(0L, started - e.sentNanos()));
        Handled handled;
        try {
            handled = receive(b, message);
        } catch (Throwable t) {
            hooks.onProcessEnd(self, message, processToken, System.nanoTime() - started, t);
            throw t;
        }
        // NOTE: ended before the outcome is reported (conclude), so a hook that opened a scope
        // at the start has closed it before the sender can see the result
        hooks.onProcessEnd(self, message, processToken, System.nanoTime() - started, null);
        return handled;
    }

    /** Retires a message its handler returned from; {@code true} for a fire-and-forget message the run counts. */
    private boolean conclude(Envelope e, Behavior<?> b, Object message, Handled handled, Outcomes o,
                             Instrumentation hooks) {
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
        } else if (e.isOneWay()) {
            if (hooks != null) {
                e.reportReplied(hooks);
            }
            return true; // nobody reads its result: the run counts it, no shared write here
        } else {
            e.retireDelivered(handled.value(), o);
        }
        return false;
    }

    /** The handler threw (or returned null): retired as failed, logged if nobody waits, then supervision. */
    private void failed(Envelope e, Object message, Throwable t, Outcomes o) {
        e.retireFailed(handlerFailed(message, t), o);
        if (t instanceof VirtualMachineError vme) {
            throw vme; // no supervision: the run stops the actor (abortRun)
        }
        if (e.isOneWay()) {
            LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + " failed on fire-and-forget "
                    + typeName(message), t);
        }
        afterFailure(message, t);
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
        if (e instanceof RequestEnvelope request) { // nobody can give up on a one-way message
            request.future().whenComplete((value, error) -> {
                if (p.remove(e)) {
                    e.retireAbandoned(outcomes);
                }
            });
        }
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

    // ------------------------------------------------------------------ lifecycle and supervision

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
                stopActor();
                startActor();
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    void startActor() {
        lifecycle = NOT_RUNNING;
        try {
            Actor<?> a = Objects.requireNonNull(behavior.factory().get(),
                    () -> "the behavior's factory returned null for " + actorIdString());
            actor = (Actor<Object>) a;
            actor.preStart(this);
            lifecycle = RUNNING;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, () -> actorIdString() + " failed to start; stopping it", t);
            stopRequested = true;
        }
    }

    /** Runs postStop if the actor runs (restart, termination). */
    @Override
    void stopActor() {
        if (lifecycle == RUNNING) {
            lifecycle = NOT_RUNNING;
            try {
                actor.postStop(this);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + ": postStop threw", t);
            }
        }
    }

    // ------------------------------------------------------------------ close

    /**
     * Closes the mailbox; idempotent. Queued and parked requests fail with
     * {@code ACTOR_STOPPED} now, even while the actor is busy (their counting and dead letters
     * follow when the consumer retires them). If the actor is idle, its {@code postStop} runs
     * on this thread; if it is processing a message, that message finishes and the consumer
     * then stops it.
     *
     * @param brokerClosing also fail the envelope being processed and pending later-replies, so
     *                      that every future is complete when the broker's close returns
     * @return {@code true} if this call closed it
     */
    @Override
    public boolean close(boolean brokerClosing) {
        int closed = markClosed();
        if (closed == ALREADY_CLOSED) {
            return false;
        }
        Outcomes o = outcomes();
        for (Envelope e : takeParked()) {
            failStopped(e, o);
        }
        if (closed == CLOSED_ROLE_HELD) {
            // NOTE: the queue and lanes belong to the run, which may be stuck in a handler for good:
            // retire the queued requests from here (read under the lane lock, or as a seqlock
            // reader), so that no caller waits on a message that can no longer run and its dead
            // letter is there when close returns. The run drains the same envelopes later; the
            // retirement tokens (claimStoppedRetirement) let exactly one of us retire each, and a
            // request the run polls concurrently is caught by its fenced re-check
            // (MailboxRunner.closedSincePoll). One-way messages are left to the run: nobody waits
            // for them. Covered by MessageBrokerContract's close-while-busy and dead-letter tests.
            List<Envelope> queued = new ArrayList<>();
            int read = readQueued(queued, true, 1_000_000_000L,
                    () -> (statusVolatile() & TERMINATED) != 0); // the run retired them itself
            if (read >= 0) {
                for (Envelope e : queued) {
                    if (claimStoppedRetirement(e)) {
                        failStopped(e, o);
                    }
                }
            } else if ((statusVolatile() & TERMINATED) == 0) {
                LOG.log(System.Logger.Level.WARNING, () -> actorIdString() + ": its consumer kept rewriting the "
                        + "lanes for a second; its queued requests fail when it stops");
            }
        }
        if (brokerClosing) {
            Envelope inFlight = (Envelope) CURRENT.getAcquire(this);
            if (inFlight != null && !inFlight.isOneWay()) { // nobody waits for a one-way message
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
        if (closed == CLOSED_WITH_ROLE) {
            terminate();
        }
        return true;
    }

    @Override
    void retireStopped(Envelope e) {
        failStopped(e, outcomes());
    }

    private void failStopped(Envelope e, Outcomes o) {
        e.retireUndelivered(stoppedError(e, "the actor stopped before processing it"),
                DeadLetterReason.ACTOR_STOPPED, target(), o);
    }

    private SendException stoppedError(Envelope e, String why) {
        return new SendException(SendError.ACTOR_STOPPED, ActorId.of(id), typeName(e.message), why, null);
    }

    @Override
    DeadLetter.Target target() {
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

    @Override
    String actorIdString() {
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
