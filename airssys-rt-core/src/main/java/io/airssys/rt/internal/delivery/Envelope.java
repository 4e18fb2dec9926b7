package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import io.airssys.rt.internal.timer.Timeout;
import java.util.concurrent.TimeoutException;

/**
 * One message on its way to one actor, and the future of its result.
 *
 * <p>The envelope is the mailbox's intrusive queue node ({@link #next}) and the future the sender
 * holds, so a request costs one allocation. A broadcast envelope also reports its outcome to
 * its {@link ReplyGather}.
 *
 * <p>Outcome vs. retirement: the outcome is decided by whoever completes the future first
 * (the handler, a timeout, close, or the user's {@code cancel}). Retirement happens exactly
 * once, by whoever takes the envelope out of the system (the consumer, the closer, an
 * evicting producer, or the sender when it was never enqueued), and is where the broker's
 * counters move and undelivered messages are dead-lettered, so
 * {@code sent == delivered + failed} holds once nothing is in flight. Retirement records
 * before it completes the future, so a sender that sees its outcome also sees it counted.
 *
 * <p>Start vs. timeout: a request with a deadline is either started by its actor or timed out
 * before it started, never both. The consumer and the timer race for one word,
 * {@link #startState}: the consumer's {@link #claimStart()} and the timer's
 * {@link #expire} both CAS it away from {@code NOT_STARTED}, and only the winner acts. A timer
 * that loses still fails the future (the caller stops waiting), but with an error that says the
 * actor was processing the message. Covered by {@code StartVersusTimeoutTest} (jcstress) and
 * {@code FaultInjectionTest.timeoutsUnderLoadSkipTimedOutMessagesAndEveryFutureCompletes}.
 *
 * <p>The future a sender holds cannot be completed from outside: {@code complete},
 * {@code completeExceptionally}, {@code obtrude*} and {@code completeAsync} throw
 * {@link UnsupportedOperationException}, since an outcome the actor did not produce would skew the
 * counters and mislabel a dead letter. {@code orTimeout} and {@code completeOnTimeout} return a
 * dependent stage that times out on its own; the message keeps the broker's timeout
 * ({@code SendOptions.timeout}). {@code cancel} keeps its meaning: a message not started is skipped
 * and dead-lettered {@code CANCELLED}. Covered by {@code TimeoutTest}.
 */
public final class Envelope extends CompletableFuture<Object> {

    private static final int NOT_STARTED = 0;
    private static final int STARTED = 1;
    private static final int EXPIRED = 2;

    private static final VarHandle START_STATE;

    static {
        try {
            START_STATE = MethodHandles.lookup().findVarHandle(Envelope.class, "startState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Priorities by ordinal. */
    static final Priority[] PRIORITIES = Priority.values();
    static final int NORMAL = Priority.NORMAL.ordinal();

    /** The message; never {@code null}. */
    final Object message;
    /**
     * Queue link, toward the next newer message: in the mailbox's intrusive queue (set once by
     * the producer that appends after this one, release; read acquire by the consumer) or in a
     * consumer-private priority lane; {@code null} once taken out. See IntrusiveMpscQueue.
     */
    Envelope next;
    /** The broadcast this envelope belongs to, or {@code null}. */
    private final ReplyGather<?> gather;
    private final int slot;
    /** Whether nobody waits for the result (try-send): a handler failure is then logged. */
    final boolean oneWay;
    /** The priority's ordinal. */
    final byte priority;
    /** {@code System.nanoTime()} at send, for the dead letter's timestamp. */
    final long sentNanos;
    /** {@link #sentNanos} of a fire-and-forget message: no clock was read when it was sent. */
    static final long UNSTAMPED = 0L;
    /**
     * The sender's headers ({@link io.airssys.rt.broker.SendOptions#headers()}), a {@code Map};
     * on an instrumented broker, a {@link Traced} holding them and the send token; {@code null}
     * if neither. One field for both keeps an envelope 72 B when nobody instruments the broker
     * (a separate token field made it 80 B; {@code EnvelopeLayoutTest}). Written by the sender
     * before the enqueue that publishes the envelope; read by the consumer and whoever retires it.
     */
    private Object attachment;

    /** The headers and the instrumentation's send token of an envelope on an instrumented broker. */
    private record Traced(Map<String, String> headers, Object token) {
    }
    /** Arrival order in the consumer's lanes; written by whoever moves it there. */
    int seq;
    /**
     * {@code System.nanoTime()} after which the message must not start, or 0 for none. Written
     * by the sender before the enqueue that publishes the envelope.
     */
    long deadlineNanos;
    /** How long {@link #join()} and {@link #get()} spin before parking, in microseconds. */
    private final short spinMicros;
    /** The timeout task to cancel when the result arrives first, or {@code null}. */
    private volatile Timeout timeoutTask;
    /** {@link #NOT_STARTED}, {@link #STARTED} or {@link #EXPIRED}; only used with a deadline. */
    @SuppressWarnings("unused") // CAS through START_STATE
    private volatile int startState;

    Envelope(Object message, ReplyGather<?> gather, int slot, boolean oneWay, Priority priority, long sentNanos,
             int spinMicros, Map<String, String> headers) {
        this.attachment = headers == null || headers.isEmpty() ? null : headers;
        this.message = message;
        this.spinMicros = (short) spinMicros;
        this.gather = gather;
        this.slot = slot;
        this.oneWay = oneWay;
        this.priority = (byte) priority.ordinal();
        this.sentNanos = sentNanos;
    }

    /**
     * Creates an envelope for a request whose sender holds the future.
     *
     * @param message    the message
     * @param priority   its priority
     * @param spinMicros how long a caller's join spins before parking (0 to 32767)
     * @return a new envelope
     */
    public static Envelope request(Object message, Priority priority, int spinMicros) {
        return new Envelope(message, null, 0, false, priority, System.nanoTime(), spinMicros, null);
    }

    /**
     * Creates an envelope for a request with headers.
     *
     * @param message    the message
     * @param priority   its priority
     * @param spinMicros how long a caller's join spins before parking (0 to 32767)
     * @param headers    the sender's headers (immutable), or {@code null}
     * @return a new envelope
     */
    public static Envelope request(Object message, Priority priority, int spinMicros, Map<String, String> headers) {
        return new Envelope(message, null, 0, false, priority, System.nanoTime(), spinMicros, headers);
    }

    /**
     * Creates an envelope for a fire-and-forget message, whose result nobody reads.
     *
     * @param message  the message
     * @param priority its priority
     * @return a new envelope
     */
    public static Envelope oneWay(Object message, Priority priority) {
        return new Envelope(message, null, 0, true, priority, UNSTAMPED, 0, null);
    }

    /**
     * Creates an envelope for a fire-and-forget message with headers.
     *
     * @param message  the message
     * @param priority its priority
     * @param headers  the sender's headers (immutable), or {@code null}
     * @return a new envelope
     */
    public static Envelope oneWay(Object message, Priority priority, Map<String, String> headers) {
        // NOTE: no clock read per fire-and-forget message (issue 9): a dead letter is stamped when
        // it dies, and a deadline reads the clock itself (deadlineAfter)
        return new Envelope(message, null, 0, true, priority, UNSTAMPED, 0, headers);
    }

    /**
     * Creates an envelope for a fire-and-forget message stamped with its send time, for an
     * instrumented broker (whose hooks are told how long it waited in the queue).
     *
     * @param message  the message
     * @param priority its priority
     * @param headers  the sender's headers (immutable), or {@code null}
     * @return a new envelope
     */
    public static Envelope oneWayStamped(Object message, Priority priority, Map<String, String> headers) {
        return new Envelope(message, null, 0, true, priority, System.nanoTime(), 0, headers);
    }

    /**
     * Sets the instrumentation's send token; before the enqueue.
     *
     * @param sendToken what {@link Instrumentation#onSend} returned
     */
    public void token(Object sendToken) {
        if (sendToken == null && !(attachment instanceof Traced)) {
            return; // nothing to carry: no pair allocated
        }
        this.attachment = new Traced(attachment instanceof Traced t ? t.headers() : headers(), sendToken);
    }

    /**
     * Returns the instrumentation's send token.
     *
     * @return the token, or {@code null}
     */
    public Object token() {
        return attachment instanceof Traced t ? t.token() : null;
    }

    /**
     * Returns the message.
     *
     * @return the message
     */
    public Object message() {
        return message;
    }

    /**
     * Returns the sender's headers.
     *
     * @return an unmodifiable map, empty if none
     */
    @SuppressWarnings("unchecked")
    public Map<String, String> headers() {
        Object a = attachment;
        if (a == null) {
            return Map.of();
        }
        return a instanceof Traced t ? t.headers() : (Map<String, String>) a;
    }

    /**
     * Returns the priority.
     *
     * @return the priority
     */
    public Priority priority() {
        return PRIORITIES[priority];
    }

    @Override
    public Object join() {
        JoinSpin.awaitBriefly(this, spinMicros);
        return super.join();
    }

    @Override
    public Object get() throws InterruptedException, java.util.concurrent.ExecutionException {
        JoinSpin.awaitBriefly(this, spinMicros);
        return super.get();
    }

    @Override
    public Object get(long timeout, java.util.concurrent.TimeUnit unit)
            throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        JoinSpin.awaitBriefly(this, (int) Math.min(spinMicros, unit.toMicros(timeout)));
        return super.get(timeout, unit);
    }

    /**
     * Sets the deadline: the consumer skips (and fails with {@code TIMEOUT}) a message whose
     * deadline has passed when it would start, even if the timer has not fired yet.
     *
     * @param timeoutNanos the timeout, counted from the send; positive
     */
    public void deadlineAfter(long timeoutNanos) {
        long d = (sentNanos != UNSTAMPED ? sentNanos : System.nanoTime()) + timeoutNanos;
        this.deadlineNanos = d == 0 ? 1 : d;
    }

    /**
     * Returns whether the deadline has passed.
     *
     * @return {@code true} if there is a deadline and it is over
     */
    boolean expired() {
        return deadlineNanos != 0 && System.nanoTime() - deadlineNanos >= 0;
    }

    /**
     * Claims the start of this message for its actor: {@code false} if its outcome was
     * decided already (cancelled, failed by a close) or its deadline won the race, in which
     * case the message must be skipped. After {@code true} no timeout can say "not started".
     * Consumer only.
     *
     * @param actorId the actor's id, for the error if the deadline passed
     * @return whether the handler may run
     */
    public boolean claimStart(long actorId) {
        if (isDone()) {
            return false;
        }
        if (deadlineNanos == 0) {
            return true; // no timer races for this message
        }
        if (expired()) {
            expire(io.airssys.rt.ActorId.of(actorId), null); // the timer lags: the deadline decides, here and now
            return false;
        }
        return START_STATE.compareAndSet(this, NOT_STARTED, STARTED);
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
    public boolean expire(io.airssys.rt.ActorId actorId, java.time.Duration timeout) {
        // NOTE: the state, not this CAS, says what happened: the consumer's own deadline check
        // may have expired the message a moment ago, and then this (later) failure may still be
        // the one that completes the future; it must not claim the message was being processed.
        // Found by FaultInjectionTest.timeoutsUnderLoadSkipTimedOutMessagesAndEveryFutureCompletes.
        boolean beforeStart = START_STATE.compareAndSet(this, NOT_STARTED, EXPIRED)
                || (int) START_STATE.getVolatile(this) == EXPIRED;
        String within = timeout == null ? "its deadline passed" : "no reply within " + timeout;
        fail(new SendException(SendError.TIMEOUT, actorId, MpscMailbox.typeName(message), beforeStart
                ? within + " before the actor started it (it never will)"
                : within + " while the actor was processing it", null));
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
        if (task != null && isDone()) {
            task.cancel();
        }
    }

    /**
     * Completes with a result unless already completed.
     *
     * @param value the result
     * @return {@code true} if this call decided the outcome
     */
    public boolean succeed(Object value) {
        boolean won = super.complete(value);
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
    public boolean fail(Throwable error) {
        boolean won = super.completeExceptionally(error);
        if (won) {
            afterOutcome();
        }
        return won;
    }

    // ------------------------------------------------------------------ the sender's view

    private static UnsupportedOperationException completedByTheBroker() {
        return new UnsupportedOperationException("this future is completed by the broker (the actor's result, a"
                + " timeout, or the actor stopping); cancel() it to withdraw a message that has not started, or"
                + " use SendOptions.timeout for a deadline");
    }

    /** Refused: the broker completes this future. */
    @Override
    public boolean complete(Object value) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public void obtrudeValue(Object value) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public void obtrudeException(Throwable ex) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public CompletableFuture<Object> completeAsync(java.util.function.Supplier<?> supplier,
                                                   java.util.concurrent.Executor executor) {
        throw completedByTheBroker();
    }

    /** Refused: the broker completes this future. */
    @Override
    public CompletableFuture<Object> completeAsync(java.util.function.Supplier<?> supplier) {
        throw completedByTheBroker();
    }

    /**
     * Returns a dependent stage that fails with {@link TimeoutException} after {@code timeout};
     * the message itself keeps the broker's timeout and is processed and counted as usual.
     */
    @Override
    public CompletableFuture<Object> orTimeout(long timeout, java.util.concurrent.TimeUnit unit) {
        return copy().orTimeout(timeout, unit);
    }

    /**
     * Returns a dependent stage that completes with {@code value} after {@code timeout}; the
     * message itself keeps the broker's timeout and is processed and counted as usual.
     */
    @Override
    public CompletableFuture<Object> completeOnTimeout(Object value, long timeout, java.util.concurrent.TimeUnit unit) {
        return copy().completeOnTimeout(value, timeout, unit);
    }

    /**
     * Retires with the handler's result.
     *
     * @param value    the result
     * @param outcomes the broker's outcomes
     */
    public void retireDelivered(Object value, Outcomes outcomes) {
        outcomes.delivered();
        if (oneWay) {
            report(outcomes, Outcome.REPLIED, null);
            return; // nobody reads a try-send's result: skip the completion and its CAS
        }
        if (succeed(value)) {
            report(outcomes, Outcome.REPLIED, null);
        } else {
            outcomes.deliveredBecameFailed(); // the sender already saw a timeout, cancellation or ACTOR_STOPPED
            reportWithItsError(outcomes, Outcome.ABANDONED);
        }
    }

    /**
     * Retires a processed message whose sender gave up while an asynchronous reply was pending
     * (a timeout, a cancellation): counted as failed, and the reply, if it ever comes, is dropped.
     *
     * @param outcomes the broker's outcomes
     */
    public void retireAbandoned(Outcomes outcomes) {
        outcomes.failed();
        reportWithItsError(outcomes, Outcome.ABANDONED);
    }

    /**
     * Reports a fire-and-forget message processed without a failure to the instrumentation;
     * its count is added by the run (see MailboxRunner). Call only when {@link Outcomes#hooks()}
     * is not {@code null}.
     *
     * @param hooks the broker's instrumentation
     */
    void reportReplied(Instrumentation hooks) {
        hooks.onOutcome(message, token(), Outcome.REPLIED, null);
    }

    /** What the sender saw: the failure, a {@code CancellationException}, or {@code null}. */
    private Throwable errorNow() {
        if (isCancelled()) {
            return new java.util.concurrent.CancellationException("cancelled by its sender");
        }
        return isCompletedExceptionally() ? exceptionNow() : null;
    }

    /** Reports an outcome with what the sender saw, built only when someone listens (it may allocate). */
    private void reportWithItsError(Outcomes outcomes, Outcome outcome) {
        Instrumentation h = outcomes.hooks();
        if (h != null) {
            h.onOutcome(message, token(), outcome, errorNow());
        }
    }

    private void report(Outcomes outcomes, Outcome outcome, Throwable error) {
        Instrumentation h = outcomes.hooks();
        if (h != null) {
            h.onOutcome(message, token(), outcome, error);
        }
    }

    /**
     * Retires with the handler's failure (counted, not dead-lettered: it was delivered).
     *
     * @param error    what the handler threw
     * @param outcomes the broker's outcomes
     */
    public void retireFailed(Throwable error, Outcomes outcomes) {
        outcomes.failed();
        report(outcomes, Outcome.HANDLER_FAILED, error);
        fail(error);
    }

    /**
     * Retires a message that was not delivered: counted, dead-lettered, then its future fails
     * (unless its sender already saw another outcome).
     *
     * @param error    what the sender sees
     * @param reason   why it was not delivered
     * @param target   where it was going
     * @param outcomes the broker's outcomes, or {@code null} if there are none
     */
    public void retireUndelivered(Throwable error, DeadLetterReason reason, DeadLetter.Target target,
                                  Outcomes outcomes) {
        if (outcomes != null) {
            outcomes.undelivered(message, priority, sentNanos, target, reason, error.getMessage());
            report(outcomes, Outcome.of(reason), error);
        }
        fail(error);
    }

    /**
     * Retires a message skipped because its future completed before it started (timed out,
     * cancelled, or failed by a closing broker).
     *
     * @param target   where it was going
     * @param outcomes the broker's outcomes
     */
    public void retireSkipped(DeadLetter.Target target, Outcomes outcomes) {
        DeadLetterReason reason;
        String detail;
        if (isCancelled()) {
            reason = DeadLetterReason.CANCELLED;
            detail = "cancelled by its sender before it started";
        } else if (exceptionNow() instanceof SendException se) {
            reason = reasonOf(se.error()); // the broker's timeout, or the actor stopping
            detail = se.getMessage();
        } else {
            // only the broker completes an envelope; a failure of another kind was its own
            reason = DeadLetterReason.ACTOR_STOPPED;
            detail = "failed before it started: " + exceptionNow();
        }
        outcomes.undelivered(message, priority, sentNanos, target, reason, detail);
        reportWithItsError(outcomes, Outcome.of(reason));
    }

    /**
     * Maps a send error to a dead letter reason.
     *
     * @param error the error
     * @return the reason
     */
    public static DeadLetterReason reasonOf(SendError error) {
        return switch (error) {
            case ACTOR_NOT_FOUND -> DeadLetterReason.ACTOR_NOT_FOUND;
            case ACTOR_STOPPED -> DeadLetterReason.ACTOR_STOPPED;
            case MAILBOX_FULL -> DeadLetterReason.MAILBOX_FULL;
            case TIMEOUT -> DeadLetterReason.TIMED_OUT;
        };
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
