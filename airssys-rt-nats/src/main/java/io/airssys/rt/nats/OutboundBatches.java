package io.airssys.rt.nats;

import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.nats.client.Connection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remote fire-and-forget messages, coalesced: many {@code trySend}s to one node leave as one NATS
 * message.
 *
 * <p>Why: a NATS message costs the receiving node a read, a dispatch and a callback on jnats'
 * threads whatever its size; one message per {@code trySend} made those threads most of the
 * receiving node's work (JFR: about 65% of samples), and remote fire-and-forget ran at about half
 * of raw publish. A {@code BATCH} ({@link Wire#batch}) carries many encoded {@code TELL}s, and the
 * receiving node hands each to its local broker as if it had come alone.
 *
 * <p>How: the caller encodes and size-checks its message on its own thread (a message over the
 * server's max_payload is the caller's {@code CODEC_FAILED} at once, as before), appends it to
 * the queue of its destination node ({@link NodeOutbound}) and returns. One writer thread per
 * node parks while nothing is queued, is woken by the append that finds the queue idle, and
 * publishes what it finds as batches cut at {@link #limit()} bytes (at most half the server's
 * max_payload, at most 64 KiB). Nothing waits for a batch to fill: a lone message leaves at once,
 * as a plain {@code TELL}; under load, messages gather while the previous batch is published, so
 * batches grow on their own. A producer that finds {@value #BACKLOG} messages already waiting
 * publishes a batch itself, so a writer outrun by many callers cannot let the queue grow without
 * bound.
 *
 * <p>Order: per sender and target, a {@code trySend} and a later request (send, routed send,
 * broadcast, publish, any admin call) to the same node keep their order: see {@link #flushBefore}.
 *
 * <p>Loss: none silent. {@link #close()} publishes everything queued before the node lets go of
 * its connection; a publish that fails (the connection closed, the server's limit shrank)
 * dead-letters each of its messages on this node ({@code ACTOR_STOPPED}, the reason in the
 * detail), where the dead letter queue counts them. A message that reached the other node and is
 * refused there (mailbox full, undecodable) dies there, as before.
 */
final class OutboundBatches implements AutoCloseable {

    /** The most bytes in one batch, whatever the server allows. */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    /** Messages waiting for one node beyond which the producer publishes a batch itself. */
    static final int BACKLOG = 65_536;

    /** How many batches the writer publishes for one node before it turns to the next. */
    private static final int BATCHES_PER_TURN = 16;

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.nats");

    private final Connection connection;
    private final Wire.Subjects subjects;
    private final int self;
    private final DeadLetterQueue deadLetters;
    private final ConcurrentHashMap<Integer, NodeOutbound> byNode = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<NodeOutbound> ready = new LinkedBlockingQueue<>();
    private final NodeOutbound stop = new NodeOutbound(0); // the writer's last entry in ready
    private final Thread writer;
    private final LongAdder natsMessages = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private volatile boolean closing;
    private final int backlog;

    /**
     * @param self        this node's number (names the writer thread and the dead letters' detail)
     * @param deadLetters where a message that could not be published dies
     */
    OutboundBatches(Connection connection, String prefix, int self, DeadLetterQueue deadLetters) {
        this(connection, prefix, self, deadLetters, BACKLOG);
    }

    /**
     * @param backlog messages waiting for one node beyond which a producer publishes a batch
     *                itself ({@value #BACKLOG} in a node; smaller in the test that shows it)
     */
    OutboundBatches(Connection connection, String prefix, int self, DeadLetterQueue deadLetters, int backlog) {
        this.backlog = backlog;
        this.connection = connection;
        this.subjects = new Wire.Subjects(prefix);
        this.self = self;
        this.deadLetters = deadLetters;
        this.writer = Thread.ofPlatform().daemon().name("airssys-nats-outbound-" + self).unstarted(this::write);
        writer.start();
    }

    /** The most bytes a batch holds now: half the server's max_payload, at most {@value #MAX_BATCH_BYTES}. */
    int limit() {
        long max = connection.getMaxPayload();
        return max <= 0 ? MAX_BATCH_BYTES : (int) Math.min(max / 2, MAX_BATCH_BYTES);
    }

    /** Queues one encoded {@code TELL} for {@code node} (its size already checked); returns once it is queued. */
    void tell(int node, NodeOutbound.Tell t) {
        NodeOutbound out = byNode.get(node);
        if (out == null) {
            out = byNode.computeIfAbsent(node, NodeOutbound::new);
        }
        int waiting = out.offer(t);
        if (out.schedule()) {
            ready.add(out);
        }
        // NOTE: the append above and this read of closing race with close(), which sets closing and
        // then drains every queue: both are volatile (the queue's CAS, the field), so either
        // close() sees this message or this thread sees closing and publishes it itself; none is
        // left behind in a queue nobody drains
        // (OutboundBatchingTest.trySendsRacingCloseAreEachProcessedDeadLetteredOrRefused).
        if (closing) {
            drain(out, Integer.MAX_VALUE);
        } else if (waiting > backlog) {
            drain(out, 1); // the writer is outrun: this producer publishes a batch, as a direct publish would
        }
    }

    /**
     * Publishes what is queued for {@code node} before a request to it, so the request does not
     * overtake fire-and-forget messages sent before it.
     *
     * <p>NOTE: the order argument. A message's {@code unsent} count rises before it is queued and
     * drops only after the publish that carried it returned (under the node's lock). A caller whose
     * {@code trySend} happened before this request (same thread, or handed over through an
     * executor) therefore either reads zero here, and its message is already in jnats' outgoing
     * buffer, ahead of the request; or reads more than zero and takes the lock: a publish in
     * progress completes before it gets the lock, and whatever is still queued, its message
     * included, it publishes itself before the request. One connection's messages to one
     * subscription arrive in the order published, and the receiving node handles them one at a
     * time on its dispatcher, so the actor's mailbox gets them in that order too
     * (OutboundBatchingTest.trySendsAndSendsFromOneThreadArriveInOrder fails without this).
     */
    void flushBefore(int node) {
        NodeOutbound out = byNode.get(node);
        if (out != null && out.unsent() > 0) {
            drain(out, Integer.MAX_VALUE);
        }
    }

    /** Publishes up to {@code batches} batches of {@code out} (all of it with {@code MAX_VALUE}), under its lock. */
    private void drain(NodeOutbound out, int batches) {
        out.lock.lock();
        try {
            int limit = limit();
            for (int i = 0; i < batches; i++) {
                List<NodeOutbound.Tell> batch = out.takeBatch(limit);
                if (batch.isEmpty()) {
                    return;
                }
                publish(out.node, batch);
                out.published(batch.size());
            }
        } finally {
            out.lock.unlock();
        }
    }

    private void publish(int node, List<NodeOutbound.Tell> batch) {
        try {
            byte[] body;
            if (batch.size() == 1) {
                body = batch.get(0).body(); // a lone message travels as it always did
            } else {
                List<byte[]> bodies = new ArrayList<>(batch.size());
                for (NodeOutbound.Tell t : batch) {
                    bodies.add(t.body());
                }
                body = Wire.batch(bodies);
            }
            connection.publish(subjects.of(node), body);
            natsMessages.increment();
            frames.add(batch.size());
        } catch (RuntimeException failed) { // closed connection, a shrunk max_payload, a full reconnect buffer
            deadLetter(node, batch, failed);
        }
    }

    private void deadLetter(int node, List<NodeOutbound.Tell> batch, RuntimeException why) {
        String detail = "a fire-and-forget message from node " + self + " could not be published to node " + node
                + " (" + batch.size() + " in its batch): " + why.getClass().getSimpleName() + ": " + why.getMessage();
        LOG.log(System.Logger.Level.WARNING, detail);
        Instant now = deadLetters.now();
        for (NodeOutbound.Tell t : batch) {
            try {
                deadLetters.offer(new DeadLetter(t.message(), new DeadLetter.ToActor(t.target()),
                        DeadLetterReason.ACTOR_STOPPED, t.priority(), now, now, detail));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a message that could not be published was not dead-lettered", e);
            }
        }
    }

    /** The writer: takes a ready queue, publishes a few batches of it, and parks when none is ready. */
    private void write() {
        try {
            for (;;) {
                NodeOutbound out = ready.take();
                if (out == stop) {
                    return;
                }
                out.unschedule();
                drain(out, BATCHES_PER_TURN);
                if (!out.isEmpty() && out.schedule()) {
                    ready.add(out); // more than a turn's worth: the other nodes' queues go first
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() drains what is left
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "node " + self + ": the outbound writer stopped", e);
            throw e;
        }
    }

    /** Messages for {@code node} queued and not yet published or dead-lettered (for the backlog test). */
    int unsent(int node) {
        NodeOutbound out = byNode.get(node);
        return out == null ? 0 : out.unsent();
    }

    /** NATS messages and fire-and-forget messages published so far (for tests that see batching). */
    long[] publishedCounts() {
        return new long[] {natsMessages.sum(), frames.sum()};
    }

    /**
     * Publishes everything queued, stops the writer; from now on a racing {@code trySend}
     * publishes its message itself. Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        ready.add(stop);
        try {
            if (!writer.join(Duration.ofSeconds(10))) {
                LOG.log(System.Logger.Level.WARNING, "node " + self + ": the outbound writer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NodeOutbound out : byNode.values()) {
            drain(out, Integer.MAX_VALUE);
        }
    }
}
