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
 * reachable from the head. The queue holds A; a producer appends B while the consumer polls
 * twice. Taking A, the last node, the consumer puts the stub back behind it, racing the
 * producer's swap; B then hangs off A or off the stub, and either link may still be in its
 * window when the consumer looks. The consumer must never lose, duplicate or reorder a node,
 * nor report the queue empty while a node is in its window (it spins through it), and once
 * everything is taken the stub is the tail again. Two actors, so it runs on two CPUs. Result:
 * (nodes the consumer's two polls took, nodes left for the arbiter, 1 if anything was lost,
 * duplicated, out of order or the stub not restored).
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = Expect.ACCEPTABLE, desc = "the consumer took A; B came after its second poll")
@Outcome(id = "2, 0, 0", expect = Expect.ACCEPTABLE, desc = "the consumer took A and B (possibly spinning through a window)")
@Outcome(expect = Expect.FORBIDDEN, desc = "a node was lost or duplicated, or the stub was not restored")
@State
public class MpscQueueLinkWindowTest {

    private static final String A = "a";
    private static final String B = "b";

    private final MpscMailbox<?> queue = (MpscMailbox<?>) Mailbox.unbounded(); // no actor: the test is its consumer
    private final Object[] taken = new Object[2];

    /** Starts with A queued. */
    public MpscQueueLinkWindowTest() {
        queue.offerLast(Envelope.oneWay(A, Priority.NORMAL));
    }

    /** Appends B. */
    @Actor
    public void producer() {
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
        boolean broken = seenA != 1 || seenB != 1 || taken[0] != A // FIFO: A was queued first
                || !queue.queueLooksEmpty() || queue.pollFirst() != null;
        r.r1 = byConsumer;
        r.r2 = left;
        r.r3 = broken ? 1 : 0;
    }
}
