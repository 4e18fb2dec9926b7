package io.airssys.rt.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The wake-up rule of the intrusive queue: only an append that found the queue empty (the
 * stub as the tail) wakes the actor; other appends rely on it, or on the run that is ending,
 * which re-reads the tail after releasing the consumer role. A producer appends two messages
 * while the actor's run takes them and ends (the run puts the stub back behind each last node
 * it takes, so either append may be the one behind the stub). Every message must be processed
 * by that run or covered by a run the producer scheduled, and no more than one run is
 * scheduled. Two actors, so it runs on two CPUs. Result: (messages processed by the run, runs
 * scheduled by the producer).
 */
@JCStressTest
@Outcome(id = "2, 0", expect = Expect.ACCEPTABLE, desc = "the ending run processed both")
@Outcome(id = {"0, 1", "1, 1"}, expect = Expect.ACCEPTABLE, desc = "the run released the actor; the producer scheduled the next run")
@Outcome(id = "2, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "processed both, and one spare run scheduled")
@Outcome(id = {"0, 0", "1, 0"}, expect = Expect.FORBIDDEN, desc = "lost wake-up: a message waits and no run is scheduled")
@Outcome(expect = Expect.FORBIDDEN, desc = "more than one run scheduled: two appends both woke the actor")
@State
public class MailboxWakeupBehindStubTest {

    private final MailboxRunFixture fixture = new MailboxRunFixture();

    /** Sends two messages. */
    @Actor
    public void producer() {
        fixture.send();
        fixture.send();
    }

    /** Performs the pending run: processes what is there, then releases the actor. */
    @Actor
    public void consumer() {
        fixture.runPending();
    }

    /**
     * Records the outcome.
     *
     * @param r processed, runs scheduled after the first
     */
    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = fixture.processed();
        r.r2 = fixture.runsScheduledByProducers(); // the first is the attach's own run, performed by consumer()
    }
}
