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

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registered mailbox with a counting actor attached, whose executor only counts the runs
 * submitted to it: the wake-up tests perform the attach's first run themselves and read how
 * many messages it processed and how many more runs producers scheduled.
 */
final class MailboxRunFixture {

    /** The message. */
    record Note() implements Message<Void> {
    }

    private static final Note NOTE = new Note();

    private final MpscMailbox<?> mailbox = (MpscMailbox<?>) Mailbox.unbounded();
    private final AtomicInteger submissions = new AtomicInteger();
    private final int[] processed = new int[1];

    MailboxRunFixture() {
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build();
        broker.register(ActorId.of(1), mailbox);
        mailbox.attach(Behaviors.receive().onTell(Note.class, n -> processed[0]++).build(),
                new Dispatcher(task -> submissions.incrementAndGet(), 64));
    }

    /** Sends one message (any thread). */
    void send() {
        mailbox.offer(Envelope.oneWay(NOTE, Priority.NORMAL), true);
    }

    /** Performs the attach's pending run: processes what is there, then releases the actor. */
    void runPending() {
        mailbox.run();
    }

    /** Messages the performed run processed. */
    int processed() {
        return processed[0];
    }

    /** Runs scheduled after the attach's own. */
    int runsScheduledByProducers() {
        return submissions.get() - 1;
    }
}
