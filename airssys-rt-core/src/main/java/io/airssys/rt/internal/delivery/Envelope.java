package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;

import java.time.Duration;
import java.util.Map;

/**
 * One message on its way to one actor: the mailbox's intrusive queue node ({@link #next}) and
 * what the broker needs to retire it. Two kinds, because they cost differently:
 * <ul>
 *   <li>{@link OneWayEnvelope}, a fire-and-forget message: nobody waits for its result, so it
 *       is 32 bytes of node and nothing else (issue 9: it used to be the 72-byte request kind,
 *       a {@code CompletableFuture}, for every message; {@code EnvelopeLayoutTest}).</li>
 *   <li>{@link RequestEnvelope}, a message whose sender holds a {@link ReplyFuture}: it carries
 *       the send time, the deadline, the start-versus-timeout word and the broadcast slot.</li>
 * </ul>
 * The queue, the lanes and the run loop see only this class; where the kinds differ (may it
 * start, what its retirement completes) the subclass decides.
 *
 * <p>Outcome vs. retirement: the outcome is decided by whoever completes a request's future
 * first (the handler, a timeout, close, or the user's {@code cancel}). Retirement happens
 * exactly once, by whoever takes the envelope out of the system (the consumer, the closer, an
 * evicting producer, or the sender when it was never enqueued), and is where the broker's
 * counters move and undelivered messages are dead-lettered, so
 * {@code sent == delivered + failed} holds once nothing is in flight. Retirement records
 * before it completes the future, so a sender that sees its outcome also sees it counted.
 */
public abstract sealed class Envelope permits OneWayEnvelope, RequestEnvelope {

    /** Priorities by ordinal. */
    static final Priority[] PRIORITIES = Priority.values();
    static final int NORMAL = Priority.NORMAL.ordinal();

    /** {@link #sentNanos()} of a message whose send time was not read (a fire-and-forget message). */
    static final long UNSTAMPED = 0L;

    /** The message; never {@code null}. */
    final Object message;
    /**
     * Queue link, toward the next newer message: in the mailbox's intrusive queue (set once by
     * the producer that appends after this one, release; read acquire by the consumer) or in a
     * consumer-private priority lane; {@code null} once taken out. See IntrusiveMpscQueue.
     */
    Envelope next;
    /**
     * The sender's headers ({@link io.airssys.rt.broker.SendOptions#headers()}), a {@code Map};
     * or {@link Extras} holding them with what few messages need (the instrumentation's send
     * token, a one-way message's deadline or send time); {@code null} if none. One field for all
     * of it keeps a one-way envelope at 32 bytes. Written by the sender before the enqueue that
     * publishes the envelope; read by the consumer and whoever retires it.
     */
    Object attachment;
    /** Arrival order in the consumer's lanes; written by whoever moves it there. */
    int seq;
    /** The priority's ordinal. */
    final byte priority;

    /** What a few envelopes carry besides headers; written only before the envelope is published. */
    static final class Extras {
        final Map<String, String> headers;
        Object token;
        /** A one-way message's send time (instrumented broker), or {@link #UNSTAMPED}. */
        long sentNanos;
        /** A one-way message's deadline ({@code System.nanoTime()}), or 0 for none. */
        long deadlineNanos;

        Extras(Map<String, String> headers) {
            this.headers = headers;
        }
    }

    Envelope(Object message, Priority priority, Map<String, String> headers) {
        this.message = message;
        this.priority = (byte) priority.ordinal();
        this.attachment = headers == null || headers.isEmpty() ? null : headers;
    }

    // ------------------------------------------------------------------ factories

    /**
     * Creates an envelope for a request whose sender holds the future.
     *
     * @param message    the message
     * @param priority   its priority
     * @param spinMicros how long a caller's join spins before parking (0 to 32767)
     * @return a new envelope
     */
    public static RequestEnvelope request(Object message, Priority priority, int spinMicros) {
        return new RequestEnvelope(message, null, 0, priority, System.nanoTime(), spinMicros, null);
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
    public static RequestEnvelope request(Object message, Priority priority, int spinMicros,
                                          Map<String, String> headers) {
        return new RequestEnvelope(message, null, 0, priority, System.nanoTime(), spinMicros, headers);
    }

    /**
     * Creates an envelope for a fire-and-forget message, whose result nobody reads.
     *
     * @param message  the message
     * @param priority its priority
     * @return a new envelope
     */
    public static OneWayEnvelope oneWay(Object message, Priority priority) {
        return new OneWayEnvelope(message, priority, null);
    }

    /**
     * Creates an envelope for a fire-and-forget message with headers.
     *
     * @param message  the message
     * @param priority its priority
     * @param headers  the sender's headers (immutable), or {@code null}
     * @return a new envelope
     */
    public static OneWayEnvelope oneWay(Object message, Priority priority, Map<String, String> headers) {
        // NOTE: no clock read per fire-and-forget message (issue 9): a dead letter is stamped when
        // it dies, and a deadline reads the clock itself (deadlineAfter)
        return new OneWayEnvelope(message, priority, headers);
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
    public static OneWayEnvelope oneWayStamped(Object message, Priority priority, Map<String, String> headers) {
        OneWayEnvelope e = new OneWayEnvelope(message, priority, headers);
        e.extras().sentNanos = System.nanoTime();
        return e;
    }

    // ------------------------------------------------------------------ what every kind carries

    /**
     * Returns the message.
     *
     * @return the message
     */
    public final Object message() {
        return message;
    }

    /**
     * Returns the priority.
     *
     * @return the priority
     */
    public final Priority priority() {
        return PRIORITIES[priority];
    }

    /**
     * Returns the sender's headers.
     *
     * @return an unmodifiable map, empty if none
     */
    @SuppressWarnings("unchecked")
    public final Map<String, String> headers() {
        Object a = attachment;
        if (a == null) {
            return Map.of();
        }
        if (a instanceof Extras x) {
            return x.headers == null ? Map.of() : x.headers;
        }
        return (Map<String, String>) a;
    }

    /**
     * Sets the instrumentation's send token; before the enqueue.
     *
     * @param sendToken what {@link Instrumentation#onSend} returned
     */
    public final void token(Object sendToken) {
        if (sendToken == null && !(attachment instanceof Extras)) {
            return; // nothing to carry: nothing allocated
        }
        extras().token = sendToken;
    }

    /**
     * Returns the instrumentation's send token.
     *
     * @return the token, or {@code null}
     */
    public final Object token() {
        return attachment instanceof Extras x ? x.token : null;
    }

    /** The extras, created on first use; sender only, before the enqueue. */
    @SuppressWarnings("unchecked")
    final Extras extras() {
        Object a = attachment;
        if (a instanceof Extras x) {
            return x;
        }
        Extras x = new Extras((Map<String, String>) a);
        attachment = x;
        return x;
    }

    /**
     * Whether nobody waits for the result (a fire-and-forget message).
     *
     * @return {@code true} for a {@link OneWayEnvelope}
     */
    public final boolean isOneWay() {
        return this instanceof OneWayEnvelope;
    }

    /**
     * {@code System.nanoTime()} at send, or {@link #UNSTAMPED} if the clock was not read.
     *
     * @return the send time
     */
    abstract long sentNanos();

    /**
     * Sets the deadline: the consumer skips a message whose deadline has passed when it would
     * start (a request also fails with {@code TIMEOUT}, even if the timer has not fired yet).
     *
     * @param timeoutNanos the timeout, counted from the send; positive
     */
    public abstract void deadlineAfter(long timeoutNanos);

    /**
     * Claims the start of this message for its actor: {@code false} if it must be skipped (its
     * outcome was decided already, or its deadline passed), and then {@link #retireSkipped}
     * says why. Consumer only.
     *
     * @param actorId the actor's id, for the error if the deadline passed
     * @return whether the handler may run
     */
    public abstract boolean claimStart(long actorId);

    /**
     * Whether the outcome is decided before a handler produced it (a request timed out,
     * cancelled, or failed by a close). Always {@code false} for a one-way message.
     *
     * @return {@code true} if its sender stopped waiting
     */
    abstract boolean decided();

    // ------------------------------------------------------------------ retirement

    /** Completes the sender's future with the result, if there is one; {@code true} unless it was decided already. */
    abstract boolean succeed(Object value);

    /** Fails the sender's future, if there is one; {@code true} unless it was decided already. */
    abstract boolean fail(Throwable error);

    /** What the sender saw (the failure, a cancellation), built only when instrumentation listens; or {@code null}. */
    abstract Throwable errorNow();

    /**
     * Retires with the handler's result.
     *
     * @param value    the result
     * @param outcomes the broker's outcomes
     */
    public final void retireDelivered(Object value, Outcomes outcomes) {
        outcomes.delivered();
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
    public final void retireAbandoned(Outcomes outcomes) {
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
    final void reportReplied(Instrumentation hooks) {
        hooks.onOutcome(message, token(), Outcome.REPLIED, null);
    }

    /**
     * Retires with the handler's failure (counted, not dead-lettered: it was delivered).
     *
     * @param error    what the handler threw
     * @param outcomes the broker's outcomes
     */
    public final void retireFailed(Throwable error, Outcomes outcomes) {
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
    public final void retireUndelivered(Throwable error, DeadLetterReason reason, DeadLetter.Target target,
                                        Outcomes outcomes) {
        if (outcomes != null) {
            outcomes.undelivered(message, priority, sentNanos(), target, reason, error.getMessage());
            report(outcomes, Outcome.of(reason), error);
        }
        fail(error);
    }

    /**
     * Retires a message skipped because {@link #claimStart} refused it (timed out, cancelled,
     * or failed by a closing broker).
     *
     * @param target   where it was going
     * @param outcomes the broker's outcomes
     */
    public abstract void retireSkipped(DeadLetter.Target target, Outcomes outcomes);

    /** Reports an outcome with what the sender saw, built only when someone listens (it may allocate). */
    final void reportWithItsError(Outcomes outcomes, Outcome outcome) {
        Instrumentation h = outcomes.hooks();
        if (h != null) {
            h.onOutcome(message, token(), outcome, errorNow());
        }
    }

    final void report(Outcomes outcomes, Outcome outcome, Throwable error) {
        Instrumentation h = outcomes.hooks();
        if (h != null) {
            h.onOutcome(message, token(), outcome, error);
        }
    }

    /**
     * The {@code TIMEOUT} a sender sees (or a dead letter records) when a message's time ran out:
     * one wording for both kinds of envelope.
     *
     * @param actorId     the target, or {@code null} if unknown
     * @param message     the message
     * @param timeout     the timeout that passed, or {@code null} to describe it as the deadline
     * @param beforeStart whether the actor had not started the message (it never will)
     * @return the error
     */
    static SendException timedOut(ActorId actorId, Object message, Duration timeout,
                                  boolean beforeStart) {
        String within = timeout == null ? "its deadline passed" : "no reply within " + timeout;
        return new SendException(SendError.TIMEOUT, actorId, MpscMailbox.typeName(message), beforeStart
                ? within + " before the actor started it (it never will)"
                : within + " while the actor was processing it", null);
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
}
