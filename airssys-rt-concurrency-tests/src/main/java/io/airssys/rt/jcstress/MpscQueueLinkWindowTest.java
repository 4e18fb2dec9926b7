package io.airssys.rt.jcstress;

import io.airssys.rt.Priority;
import io.airssys.rt.internal.delivery.Envelope;
import io.airssys.rt.internal.delivery.MpscMailbox;
import io.airssys.rt.mailbox.Mailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The intrusive MPSC queue's link window (Vyukov): a producer has swapped itself in as the
 * tail but not yet linked the previous node to itself, so the node is in the queue but not
 * reachable from the head. Two producers append while the consumer polls twice. The consumer
 * must never lose, duplicate or reorder a node, nor report the queue empty while a node is in
 * its window (it spins through it), and after everything is taken the stub is back as the
 * tail. Result: (nodes the consumer's two polls took, nodes left for the arbiter,
 * 1 if anything was lost, duplicated or the stub not restored).
 */
@JCStressTest
@Outcome(id = "0, 2, 0", expect = Expect.ACCEPTABLE, desc = "both appends came after the consumer's polls")
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "the consumer took one")
@Outcome(id = "2, 0, 0", expect = Expect.ACCEPTABLE, desc = "the consumer took both (possibly spinning through a window)")
@Outcome(expect = Expect.FORBIDDEN, desc = "a node was lost or duplicated, or the stub was not restored")
@State
public class MpscQueueLinkWindowTest {

    private static final String A = "a";
    private static final String B = "b";

    private final MpscMailbox<?> queue = (MpscMailbox<?>) Mailbox.unbounded(); // no actor: the test is its consumer
    private final Object[] taken = new Object[2];

    /** Appends A. */
    @Actor
    public void producerA() {
        queue.offerLast(Envelope.oneWay(A, Priority.NORMAL));
    }

    /** Appends B. */
    @Actor
    public void producerB() {
        queue.offerLast(Envelope.oneWay(B, Priority.NORMAL));
    }

    /** Polls twice. */
    @Actor
    public void consumer() {
        for (int i = 0; i < 2; i++) {
            Envelope e = queue.pollFirst();
            taken[i] = e == null ? null : e.message();
        }
    }

    /**
     * Takes the rest and checks that each node came out exactly once.
     *
     * @param r (taken by the consumer, left, broken)
     */
    @Arbiter
    public void arbiter(III_Result r) {
        int byConsumer = 0;
        int seenA = 0;
        int seenB = 0;
        for (int i = 0; i < 2; i++) {
            Object m = taken[i];
            if (m == null) {
                continue;
            }
            byConsumer++;
            seenA += m == A ? 1 : 0;
            seenB += m == B ? 1 : 0;
        }
        int left = 0;
        for (Envelope e = queue.pollFirst(); e != null && left < 3; e = queue.pollFirst()) {
            left++;
            seenA += e.message() == A ? 1 : 0;
            seenB += e.message() == B ? 1 : 0;
        }
        boolean broken = seenA != 1 || seenB != 1 || !queue.queueLooksEmpty() || queue.pollFirst() != null;
        r.r1 = byConsumer;
        r.r2 = left;
        r.r3 = broken ? 1 : 0;
    }
}
