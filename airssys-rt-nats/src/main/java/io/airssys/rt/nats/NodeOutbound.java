package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fire-and-forget messages waiting to leave for one other node: a many-producer queue of
 * encoded {@code TELL} bodies, and the lock under which they are taken and published.
 *
 * <ul>
 *   <li>Producers (any caller of {@code trySend}) {@link #offer} without a lock: a count, then a
 *       lock-free queue.</li>
 *   <li>Whoever publishes (the node's writer thread, a request to this node that must not
 *       overtake them, {@code close}, a producer that found too many waiting) holds
 *       {@link #lock} from {@link #takeBatch} until the batch is published and
 *       {@link #published}, so there is one consumer at a time and batches leave in queue order.</li>
 *   <li>{@link #unsent} counts the messages offered and not yet published (or dead-lettered):
 *       it drops only after the publish returned, which is what lets a request skip the lock when
 *       it reads zero ({@link OutboundBatches#flushBefore}).</li>
 *   <li>{@link #scheduled} says the writer has this queue in its ready list (or is draining it),
 *       so a busy queue costs no hand-off per message.</li>
 * </ul>
 */
final class NodeOutbound {

    /** One encoded message and what its dead letter would need. */
    record Tell(byte[] body, ActorId target, Message<?> message, Priority priority) {
    }

    final int node;
    final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Tell> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsent = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    NodeOutbound(int node) {
        this.node = node;
    }

    /** Queues a message; returns how many are now waiting. */
    int offer(Tell t) {
        int n = unsent.incrementAndGet();
        queue.offer(t);
        return n;
    }

    /** Messages offered and not yet published or dead-lettered. */
    int unsent() {
        return unsent.get();
    }

    /** Marks this queue as handed to the writer; {@code false} if it already was. */
    boolean schedule() {
        return !scheduled.get() && scheduled.compareAndSet(false, true);
    }

    /**
     * The writer takes this queue off its ready list.
     *
     * <p>NOTE: cleared before the writer drains, never after: a message offered after the drain
     * looked at the queue then finds the flag clear and schedules the queue again, so none waits
     * for a wake-up that does not come (the close and 10,000-message tests in
     * OutboundBatchingTest would hang or miss messages otherwise).
     */
    void unschedule() {
        scheduled.set(false);
    }

    /**
     * Takes the oldest messages whose batch stays within {@code limit} bytes (at least one,
     * whatever its size: a message over the limit travels alone). Only under {@link #lock}.
     */
    List<Tell> takeBatch(int limit) {
        List<Tell> batch = new ArrayList<>();
        long size = Wire.BATCH_HEADER;
        for (Tell t = queue.peek(); t != null; t = queue.peek()) {
            long grown = size + Wire.BATCH_PER_FRAME + t.body().length;
            if (!batch.isEmpty() && grown > limit) {
                break;
            }
            batch.add(queue.poll()); // the one consumer (we hold the lock): the head is still t
            size = grown;
        }
        return batch;
    }

    /** {@code n} taken messages were published or dead-lettered. */
    void published(int n) {
        unsent.addAndGet(-n);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
