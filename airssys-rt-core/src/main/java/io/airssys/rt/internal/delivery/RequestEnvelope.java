package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Outcome;
import io.airssys.rt.internal.timer.Timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Map;

/**
 * A message whose sender waits for its result: the envelope holds the sender's
 * {@link ReplyFuture}, its send time and deadline, its timeout task, and, for a broadcast, its
 * {@link ReplyGather} and slot.
 *
 * <p>Start vs. timeout: a request with a deadline is either started by its actor or timed out
 * before it started, never both. The consumer and the timer race for one word,
 * {@link #startState}: the consumer's {@link #claimStart} and the timer's {@link #expire} both
 * CAS it away from {@code NOT_STARTED}, and only the winner acts. A timer that loses still
 * fails the future (the caller stops waiting), but with an error that says the actor was
 * processing the message. Covered by {@code StartVersusTimeoutTest} (jcstress) and
 * {@code FaultInjectionTest.timeoutsUnderLoadSkipTimedOutMessagesAndEveryFutureCompletes}.
 */
public final class RequestEnvelope extends Envelope {

    private static final int NOT_STARTED = 0;
    private static final int STARTED = 1;
    private static final int EXPIRED = 2;

    private static final VarHandle START_STATE;

    static {
        try {
            START_STATE = MethodHandles.lookup().findVarHandle(RequestEnvelope.class, "startState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the sender holds; completed only through this envelope. */
    private final ReplyFuture future;
    /** The broadcast this envelope belongs to, or {@code null}. */
    private final ReplyGather<?> gather;
    private final int slot;
    /** {@code System.nanoTime()} at send, for the dead letter's timestamp and the time queued. */
    private final long sentNanos;
    /**
     * {@code System.nanoTime()} after which the message must not start, or 0 for none. Written
     * by the sender before the enqueue that publishes the envelope.
     */
    private long deadlineNanos;
    /** The timeout task to cancel when the result arrives first, or {@code null}. */
    private volatile Timeout timeoutTask;
    /** {@link #NOT_STARTED}, {@link #STARTED} or {@link #EXPIRED}; only used with a deadline. */
    @SuppressWarnings("unused") // CAS through START_STATE
    private volatile int startState;

    RequestEnvelope(Object message, ReplyGather<?> gather, int slot, Priority priority, long sentNanos,
                    int spinMicros, Map<String, String> headers) {
        super(message, priority, headers);
        this.future = new ReplyFuture(spinMicros);
        this.gather = gather;
        this.slot = slot;
        this.sentNanos = sentNanos;
    }

    /**
     * Returns the sender's future.
     *
     * @return the future, completed by the broker
     */
    public ReplyFuture future() {
        return future;
    }

    @Override
    long sentNanos() {
        return sentNanos;
    }

    @Override
    public void deadlineAfter(long timeoutNanos) {
        long d = sentNanos + timeoutNanos;
        this.deadlineNanos = d == 0 ? 1 : d;
    }

    /** Whether there is a deadline and it is over. */
    private boolean expired() {
        return deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0;
    }

    @Override
    public boolean claimStart(long actorId) {
        if (future.isDone()) {
            return false;
        }
        if (deadlineNanos == 0) {
            return true; // no timer races for this message
        }
        if (expired()) {
            expire(ActorId.of(actorId), null); // the timer lags: the deadline decides, here and now
            return false;
        }
        return START_STATE.compareAndSet(this, NOT_STARTED, STARTED);
    }

    @Override
    boolean decided() {
        return future.isDone();
    }

    /**
     * Times the request out: fails the future with {@code TIMEOUT}. If the actor has not
     * started the message, it never will (the error says so); if it has, the handler goes on
     * and its result is discarded.
     *
     * @param actorId the target, for the error
     * @param timeout the timeout that passed, for the message; {@code null} to describe it as
     *                the deadline
     * @return {@code true} if the message had not started (it is now skipped)
     */
    public boolean expire(ActorId actorId, Duration timeout) {
        // NOTE: the state, not this CAS, says what happened: the consumer's own deadline check
        // may have expired the message a moment ago, and then this (later) failure may still be
        // the one that completes the future; it must not claim the message was being processed.
        // Found by FaultInjectionTest.timeoutsUnderLoadSkipTimedOutMessagesAndEveryFutureCompletes.
        boolean beforeStart = START_STATE.compareAndSet(this, NOT_STARTED, EXPIRED)
                || (int) START_STATE.getVolatile(this) == EXPIRED;
        fail(timedOut(actorId, message, timeout, beforeStart));
        return beforeStart;
    }

    /**
     * Returns whether a timeout failed this message before its actor started it.
     *
     * @return {@code true} if it timed out unstarted
     */
    public boolean expiredBeforeStart() {
        return (int) START_STATE.getVolatile(this) == EXPIRED;
    }

    /**
     * Sets the timeout task to cancel when the outcome is decided.
     *
     * @param task the task, or {@code null}
     */
    public void timeoutTask(Timeout task) {
        this.timeoutTask = task;
        // NOTE: the outcome may have been decided before the task was set (volatile write, then
        // isDone's volatile read; afterOutcome reads the field after completing): cancel it here.
        if (task != null && future.isDone()) {
            task.cancel();
        }
    }

    /**
     * Completes with a result unless already completed.
     *
     * @param value the result
     * @return {@code true} if this call decided the outcome
     */
    @Override
    public boolean succeed(Object value) {
        boolean won = future.succeed(value);
        if (won) {
            afterOutcome();
        }
        return won;
    }

    /**
     * Completes with an error unless already completed.
     *
     * @param error the error
     * @return {@code true} if this call decided the outcome
     */
    @Override
    public boolean fail(Throwable error) {
        boolean won = future.fail(error);
        if (won) {
            afterOutcome();
        }
        return won;
    }

    @Override
    Throwable errorNow() {
        if (future.isCancelled()) {
            return new java.util.concurrent.CancellationException("cancelled by its sender");
        }
        return future.isCompletedExceptionally() ? future.exceptionNow() : null;
    }

    @Override
    public void retireSkipped(DeadLetter.Target target, Outcomes outcomes) {
        DeadLetterReason reason;
        String detail;
        if (future.isCancelled()) {
            reason = DeadLetterReason.CANCELLED;
            detail = "cancelled by its sender before it started";
        } else if (future.exceptionNow() instanceof SendException se) {
            reason = reasonOf(se.error()); // the broker's timeout, or the actor stopping
            detail = se.getMessage();
        } else {
            // only the broker completes a reply future; a failure of another kind was its own
            reason = DeadLetterReason.ACTOR_STOPPED;
            detail = "failed before it started: " + future.exceptionNow();
        }
        outcomes.undelivered(message, priority, sentNanos, target, reason, detail);
        reportWithItsError(outcomes, Outcome.of(reason));
    }

    private void afterOutcome() {
        Timeout task = timeoutTask;
        if (task != null) {
            task.cancel();
        }
        if (gather != null) {
            gather.arrived(slot);
        }
    }
}
