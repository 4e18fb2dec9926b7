package io.airssys.rt.internal.delivery;

import io.airssys.rt.Priority;
import io.airssys.rt.mailbox.Mailbox;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: the mailbox's intrusive MPSC queue alone (issue 9): appends from any thread and
 * polls by its one consumer are linearizable with a FIFO queue. The model checker explores
 * the link window (a producer swapped in as the tail but has not linked its predecessor yet)
 * and the consumer putting the stub back behind the last node while producers append.
 */
public class MpscQueueLinearizabilityTest {

    private final MpscMailbox<?> queue = (MpscMailbox<?>) Mailbox.unbounded(); // no actor: the test consumes

    /**
     * Appends a value.
     *
     * @param value the value
     */
    @Operation
    public void offer(int value) {
        queue.offerLast(Envelope.oneWay(value, Priority.NORMAL));
    }

    /**
     * Takes the oldest value.
     *
     * @return it, or {@code null} if the queue is empty
     */
    @Operation(nonParallelGroup = "consumer")
    public Integer poll() {
        Envelope e = queue.pollFirst();
        return e == null ? null : (Integer) e.message();
    }

    /**
     * Whether the consumer sees nothing to take (at the stub, with nothing after it).
     *
     * @return {@code true} if the queue is empty
     */
    @Operation(nonParallelGroup = "consumer")
    public boolean isEmpty() {
        return queue.queueEmptyForConsumer();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(io.airssys.rt.reliability.ReliabilityProfile.scaled(20))
                .invocationsPerIteration(500).check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(io.airssys.rt.reliability.ReliabilityProfile.scaled(30))
                .invocationsPerIteration(1_000).check(getClass());
    }
}
