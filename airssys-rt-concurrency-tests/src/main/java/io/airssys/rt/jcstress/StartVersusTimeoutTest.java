package io.airssys.rt.jcstress;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.RequestEnvelope;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.time.Duration;

/**
 * The consumer starting a request and its timer firing race for one word. A message is either
 * started or timed out before its start, never both and never neither; a timer that loses still
 * fails the future, saying the actor was processing the message.
 * Result: (consumer may start, timer says "never started", future failed).
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "started first; the timeout says it was processing")
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "timed out before the start; the consumer skips it")
@Outcome(expect = Expect.FORBIDDEN, desc = "started and timed out before the start, or neither")
@State
public class StartVersusTimeoutTest {

    private final RequestEnvelope request = newRequest();
    private int started;
    private int expiredUnstarted;

    private static RequestEnvelope newRequest() {
        RequestEnvelope e = Envelope.request("question", Priority.NORMAL, 0);
        e.deadlineAfter(Duration.ofHours(1).toNanos()); // far away: only the timer below ends it
        return e;
    }

    /** The actor's consumer reaches the message. */
    @Actor
    public void consumer() {
        started = request.claimStart(1) ? 1 : 0;
    }

    /** The timer fires. */
    @Actor
    public void timer() {
        expiredUnstarted = request.expire(ActorId.of(1), Duration.ofMillis(1)) ? 1 : 0;
    }

    /**
     * Records the outcome.
     *
     * @param r started, timed out unstarted, future failed
     */
    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = started;
        r.r2 = expiredUnstarted;
        r.r3 = request.future().isCompletedExceptionally() ? 1 : 0;
    }
}
