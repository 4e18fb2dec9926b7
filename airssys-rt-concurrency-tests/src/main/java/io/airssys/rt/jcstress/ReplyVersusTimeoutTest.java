package io.airssys.rt.jcstress;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.BrokerMetrics;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.RequestEnvelope;
import io.airssys.rt.internal.delivery.Outcomes;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A reply and its timeout race to complete one request. Exactly one wins; the request is
 * counted exactly once, as delivered if the reply won and as failed if the timeout did.
 * Result: (1 if the future holds the reply, delivered count, failed count).
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "the reply won; counted delivered")
@Outcome(id = "0, 0, 1", expect = Expect.ACCEPTABLE, desc = "the timeout won; counted failed")
@Outcome(expect = Expect.FORBIDDEN, desc = "counted twice, not at all, or against the outcome")
@State
public class ReplyVersusTimeoutTest {

    private static final SendException TIMEOUT =
            new SendException(SendError.TIMEOUT, ActorId.of(1), "Q", "test timeout", null);

    private final Outcomes outcomes = new Outcomes(new DeadLetterQueue(1));
    private final RequestEnvelope request = Envelope.request("question", Priority.NORMAL, 0);

    /** The actor answers. */
    @Actor
    public void reply() {
        request.retireDelivered("answer", outcomes);
    }

    /** The timer fires. */
    @Actor
    public void timeout() {
        request.fail(TIMEOUT);
    }

    /**
     * Records the outcome.
     *
     * @param r reply won, delivered, failed
     */
    @Arbiter
    public void arbiter(III_Result r) {
        BrokerMetrics m = outcomes.snapshot(0);
        r.r1 = request.future().isCompletedExceptionally() ? 0 : 1;
        r.r2 = (int) m.totalDelivered();
        r.r3 = (int) m.totalFailed();
    }
}
