package io.airssys.rt.internal.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * One message on its way to one actor, and the future of its result.
 *
 * <p>The envelope is the mailbox's queue node ({@link #next}) and the future the sender
 * holds, so a request costs one allocation. A broadcast envelope also reports its outcome to
 * its {@link ReplyGather}.
 *
 * <p>Outcome vs. retirement: the outcome is decided by whoever completes the future first
 * (the handler, a timeout, close, or the user's {@code cancel}). Retirement happens exactly
 * once, by whoever takes the envelope out of the system (the consumer, the closer, or the
 * sender when it was never enqueued), and is where the broker's delivered/failed counters
 * move, so {@code sent == delivered + failed} holds once nothing is in flight.
 */
public final class Envelope extends CompletableFuture<Object> {

    /** The message; never {@code null}. */
    final Object message;

    /** Queue link: toward older messages while on the producers' stack, toward newer after. */
    Envelope next;

    /** The broadcast this envelope belongs to, or {@code null}. */
    private final ReplyGather<?> gather;
    private final int slot;

    /** Whether nobody waits for the result (try-send): a handler failure is then logged. */
    final boolean oneWay;

    /** The timeout task to cancel when the result arrives first, or {@code null}. */
    private volatile Future<?> timeoutTask;

    Envelope(Object message, ReplyGather<?> gather, int slot, boolean oneWay) {
        this.message = message;
        this.oneWay = oneWay;
        this.gather = gather;
        this.slot = slot;
    }

    /**
     * Creates an envelope for a request whose sender holds the future.
     *
     * @param message the message
     * @return a new envelope
     */
    public static Envelope of(Object message) {
        return new Envelope(message, null, 0, false);
    }

    /**
     * Creates an envelope for a fire-and-forget message, whose result nobody reads.
     *
     * @param message the message
     * @return a new envelope
     */
    public static Envelope oneWay(Object message) {
        return new Envelope(message, null, 0, true);
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
     * Sets the timeout task to cancel when the outcome is decided.
     *
     * @param task the task, or {@code null}
     */
    public void timeoutTask(Future<?> task) {
        this.timeoutTask = task;
        // NOTE: the outcome may have been decided before the task was set (volatile write, then
        // isDone's volatile read; afterOutcome reads the field after completing): cancel it here.
        if (task != null && isDone()) {
            task.cancel(false);
        }
    }

    /**
     * Completes with a result unless already completed.
     *
     * @param value the result
     * @return {@code true} if this call decided the outcome
     */
    public boolean succeed(Object value) {
        boolean won = complete(value);
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
        boolean won = completeExceptionally(error);
        if (won) {
            afterOutcome();
        }
        return won;
    }

    /**
     * Retires this envelope with the handler's result. The counters move before the future
     * completes, so a sender that sees its result also sees it counted.
     *
     * @param value    the result
     * @param counters the broker's counters
     */
    public void retireDelivered(Object value, BrokerCounters counters) {
        counters.delivered();
        if (!succeed(value)) {
            counters.deliveredBecameFailed(); // the sender already saw a timeout, cancellation or ACTOR_STOPPED
        }
    }

    /**
     * Retires this envelope with an error; counted before the future completes.
     *
     * @param error    what the sender sees (unless it already saw another outcome)
     * @param counters the broker's counters, or {@code null} if there are none yet
     */
    public void retireFailed(Throwable error, BrokerCounters counters) {
        if (counters != null) {
            counters.failed();
        }
        fail(error);
    }

    private void afterOutcome() {
        Future<?> task = timeoutTask;
        if (task != null) {
            task.cancel(false);
        }
        if (gather != null) {
            gather.arrived(slot);
        }
    }
}
