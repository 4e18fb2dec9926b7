package io.airssys.rt.jcstress;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.internal.delivery.Dispatcher;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.atomic.AtomicInteger;

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

    /** The message. */
    record Note() implements Message<Void> {
    }

    private static final Note NOTE = new Note();

    private final MpscMailbox<?> mailbox = (MpscMailbox<?>) Mailbox.unbounded();
    private final AtomicInteger submissions = new AtomicInteger();
    private final int[] processed = new int[1];

    /** Registers the mailbox and attaches an actor whose first run the consumer actor performs. */
    public MailboxWakeupBehindStubTest() {
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build();
        broker.register(ActorId.of(1), mailbox);
        mailbox.attach(Behaviors.receive().onTell(Note.class, n -> processed[0]++).build(),
                new Dispatcher(task -> submissions.incrementAndGet(), 64));
    }

    /** Sends two messages. */
    @Actor
    public void producer() {
        mailbox.offer(Envelope.oneWay(NOTE, Priority.NORMAL), true);
        mailbox.offer(Envelope.oneWay(NOTE, Priority.NORMAL), true);
    }

    /** Performs the pending run: processes what is there, then releases the actor. */
    @Actor
    public void consumer() {
        mailbox.run();
    }

    /**
     * Records the outcome.
     *
     * @param r processed, runs scheduled after the first
     */
    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = processed[0];
        r.r2 = submissions.get() - 1; // the first is the attach's own run, performed by consumer()
    }
}
