package io.airssys.rt.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The mailbox's scheduled/idle handoff: a producer enqueues while the actor's run is ending.
 * Either the run processes the message, or the producer schedules a new run; never neither
 * (a lost wake-up would leave the message waiting with nobody to process it). The race is the
 * producer's {@code getAndSet} of the queue tail, then its read of the status word, against
 * the run's release of the consumer role, then its read of the tail (MailboxAdmission.enqueue,
 * MailboxRunner.finishRun). Result: (messages processed by the run, runs scheduled by the producer).
 */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the ending run found and processed the message")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the run had released the actor; the producer scheduled it")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "processed, and one spare run scheduled")
@Outcome(id = "0, 0", expect = Expect.FORBIDDEN, desc = "lost wake-up: a message waits and no run is scheduled")
@State
public class MailboxWakeupTest {

    private final MailboxRunFixture fixture = new MailboxRunFixture();

    /** Sends one message. */
    @Actor
    public void producer() {
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
