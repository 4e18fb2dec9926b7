package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.instrument.Outcome;

import java.util.Map;

/**
 * A fire-and-forget message: nobody holds a future for it, so it is only the queue node, the
 * message, its priority and arrival order, and one field for the rare rest (headers, an
 * instrumentation token, an explicit deadline): 32 bytes with compressed oops, guarded by
 * {@code EnvelopeLayoutTest}. Nothing can decide its outcome before its actor reaches it except
 * its own deadline, so the consumer's start check is one field read when there is none.
 */
public final class OneWayEnvelope extends Envelope {

    OneWayEnvelope(Object message, Priority priority, Map<String, String> headers) {
        super(message, priority, headers);
    }

    @Override
    long sentNanos() {
        return attachment instanceof Extras x ? x.sentNanos : UNSTAMPED;
    }

    @Override
    public void deadlineAfter(long timeoutNanos) {
        Extras x = extras();
        long d = (x.sentNanos != UNSTAMPED ? x.sentNanos : System.nanoTime()) + timeoutNanos;
        x.deadlineNanos = d == 0 ? 1 : d;
    }

    @Override
    public boolean claimStart(long actorId) {
        // NOTE: no timer races for a one-way message (nobody waits to be told it timed out), so
        // the deadline alone decides, here; a plain read: the sender wrote it before the enqueue
        // that published this envelope
        return !(attachment instanceof Extras x) || x.deadlineNanos == 0 || System.nanoTime() - x.deadlineNanos < 0;
    }

    @Override
    boolean decided() {
        return false;
    }

    @Override
    boolean succeed(Object value) {
        return true; // nobody reads a try-send's result
    }

    @Override
    boolean fail(Throwable error) {
        return true;
    }

    @Override
    Throwable errorNow() {
        return null;
    }

    /** Skipped: only its deadline can skip a one-way message. */
    @Override
    public void retireSkipped(DeadLetter.Target target, Outcomes outcomes) {
        SendException error = timedOut(target instanceof DeadLetter.ToActor to ? to.actorId() : null, message,
                null, true);
        outcomes.undelivered(message, priority, sentNanos(), target, DeadLetterReason.TIMED_OUT, error.getMessage());
        report(outcomes, Outcome.TIMED_OUT, error);
    }
}
