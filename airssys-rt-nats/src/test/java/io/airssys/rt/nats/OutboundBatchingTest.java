package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Remote fire-and-forget messages leave in batches ({@link OutboundBatches}), on a real
 * nats-server, between a sending node and a receiving node: order against later requests, nothing
 * lost on close or on a failed publish, batches cut at the byte limit, many producers, a bad frame
 * costing only itself.
 */
@WithNatsCluster
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboundBatchingTest {

    static NatsCluster cluster;

    /** A fire-and-forget step, numbered. */
    public record Step(int n) implements Message<Void> {
    }

    /** A request, numbered in the same sequence as {@link Step}s. */
    public record Mark(int n) implements Message<Integer> {
    }

    /** A fire-and-forget message from one of several threads. */
    public record Tick(int sender, int seq) implements Message<Void> {
    }

    /** A fire-and-forget message with a payload of some size. */
    public record Blob(int n, String pad) implements Message<Void> {
    }

    /** Registered at the sender only: the receiver cannot decode it. */
    public record SenderOnly(int n) implements Message<Void> {
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private FaultNodes nodes;
    private FaultNodes.Node sender;
    private FaultNodes.Node receiver;
    private final List<Integer> order = new CopyOnWriteArrayList<>();
    private final AtomicInteger processed = new AtomicInteger();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> lastSeqBySender = new ConcurrentHashMap<>();
    private final AtomicInteger outOfOrder = new AtomicInteger();
    private ActorId actor;

    @BeforeEach
    void twoNodes() throws Exception {
        MessageTypes.Builder both = MessageTypes.builder().add("batch.Step", Step.class).add("batch.Mark", Mark.class)
                .add("batch.Tick", Tick.class).add("batch.Blob", Blob.class);
        MessageCodec senderCodec = JacksonMessageCodec.of(both.add("batch.SenderOnly", SenderOnly.class).build());
        MessageCodec receiverCodec = JacksonMessageCodec.of(MessageTypes.builder().add("batch.Step", Step.class)
                .add("batch.Mark", Mark.class).add("batch.Tick", Tick.class).add("batch.Blob", Blob.class).build());
        nodes = new FaultNodes(cluster);
        sender = nodes.start(nodes.preferring(0), senderCodec, b -> b);
        receiver = nodes.start(nodes.preferring(0), receiverCodec, b -> b);
        actor = receiver.system().spawn(Behaviors.receive()
                .onTell(Step.class, s -> order.add(s.n()))
                .on(Mark.class, m -> {
                    order.add(m.n());
                    return m.n();
                })
                .onTell(Tick.class, t -> {
                    processed.incrementAndGet();
                    seen.add(t.sender() + ":" + t.seq());
                    Integer last = lastSeqBySender.put(t.sender(), t.seq());
                    if (last != null && last >= t.seq()) {
                        outOfOrder.incrementAndGet();
                    }
                })
                .onTell(Blob.class, b -> {
                    processed.incrementAndGet();
                    seen.add("blob:" + b.n());
                })
                .build()).id();
        // the sender's directory knows the actor, so its trySends need no registry look-up
        assertThat(sender.broker().send(actor, new Mark(-1)).get(20, TimeUnit.SECONDS)).isEqualTo(-1);
        order.clear();
    }

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    /**
     * Per-sender FIFO across {@code trySend} and {@code send}: one thread interleaves them to one
     * remote actor without waiting for the replies; the actor sees them in the order sent. Fails
     * when a request may be published while earlier trySends still wait in the queue.
     */
    @Test
    void trySendsAndSendsFromOneThreadArriveInOrder() throws Exception {
        int n = 3_000;
        List<CompletableFuture<Integer>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 4 == 3) {
                replies.add(sender.broker().send(actor, new Mark(i)));
            } else {
                sender.broker().trySend(actor, new Step(i));
            }
        }
        await().atMost(PATIENCE).until(() -> order.size() >= n);
        for (CompletableFuture<Integer> r : replies) {
            r.get(20, TimeUnit.SECONDS);
        }
        List<Integer> expected = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertThat(order).as("the order the actor saw").containsExactlyElementsOf(expected);
    }

    /** close() publishes everything queued before it returns: every message is processed or dead-lettered, counted. */
    @Test
    void closeRightAfterTrySendsLosesNone() {
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            sender.broker().trySend(actor, new Tick(0, i));
        }
        sender.broker().close();
        await().atMost(PATIENCE).until(() -> processed.get() + receiver.broker().deadLetters().totalCount()
                + sender.broker().deadLetters().totalCount() >= n);
        assertThat(processed.get() + receiver.broker().deadLetters().totalCount()
                + sender.broker().deadLetters().totalCount()).isEqualTo(n);
        assertThat(processed.get()).as("the connection stayed open: all processed").isEqualTo(n);
        assertThat(seen).hasSize(n);
        assertThat(outOfOrder.get()).isZero();
    }

    /**
     * trySends racing close() on other threads: each one that returned is processed or
     * dead-lettered, counted; the others were refused with {@code BROKER_CLOSED}. None is left in a
     * queue nobody drains.
     */
    @Test
    void trySendsRacingCloseAreEachProcessedDeadLetteredOrRefused() throws Exception {
        int threads = 3;
        AtomicInteger accepted = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200_000; i++) {
                    try {
                        sender.broker().trySend(actor, new Tick(id, i));
                        accepted.incrementAndGet();
                    } catch (BrokerException e) {
                        if (e.error() != BrokerError.BROKER_CLOSED) {
                            failures.add(e);
                        }
                        return;
                    } catch (RuntimeException e) {
                        failures.add(e);
                        return;
                    }
                }
            }));
        }
        await().atMost(PATIENCE).until(() -> processed.get() >= 2_000);
        sender.broker().close();
        for (Thread p : producers) {
            assertThat(p.join(Duration.ofSeconds(60))).as("a producer finished").isTrue();
        }
        assertThat(failures).isEmpty();
        int n = accepted.get();
        await().atMost(PATIENCE).until(() -> processed.get() + receiver.broker().deadLetters().totalCount()
                + sender.broker().deadLetters().totalCount() >= n);
        assertThat(processed.get() + receiver.broker().deadLetters().totalCount()
                + sender.broker().deadLetters().totalCount()).isEqualTo(n);
        assertThat(seen).hasSize(processed.get());
        assertThat(outOfOrder.get()).isZero();
    }

    /** A publish that fails (the sender's connection closed) dead-letters each message on the sending node. */
    @Test
    void aFailedPublishDeadLettersEveryMessageOnTheSendingNode() throws Exception {
        List<DeadLetter> letters = new CopyOnWriteArrayList<>();
        sender.broker().deadLetters().listen(letters::add);
        sender.connection().close();
        int n = 200;
        for (int i = 0; i < n; i++) {
            sender.broker().trySend(actor, new Tick(0, i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> letters.size() >= n);
        assertThat(letters).hasSize(n).allSatisfy(l -> {
            assertThat(l.reason()).isEqualTo(DeadLetterReason.ACTOR_STOPPED);
            assertThat(l.target()).isEqualTo(new DeadLetter.ToActor(actor));
            assertThat(l.message()).isInstanceOf(Tick.class);
            assertThat(l.detail()).contains("could not be published to node " + receiver.broker().node());
        });
        assertThat(sender.broker().deadLetters().countsByReason().get(DeadLetterReason.ACTOR_STOPPED))
                .isEqualTo(n);
        assertThat(processed.get()).isZero();
    }

    /** Many messages whose total is far over the batch limit: cut into several batches, each message once. */
    @Test
    void batchesAreCutAtTheByteLimitAndEveryMessageArrivesOnce() {
        OutboundBatches out = sender.broker().outbound();
        int limit = out.limit();
        assertThat(limit).isEqualTo(OutboundBatches.MAX_BATCH_BYTES); // nats-server's default max_payload is 1 MB
        long[] before = out.publishedCounts();
        int n = 400;
        String pad = "x".repeat(2_000);
        for (int i = 0; i < n; i++) {
            sender.broker().trySend(actor, new Blob(i, pad));
        }
        await().atMost(PATIENCE).until(() -> processed.get() >= n);
        long[] after = out.publishedCounts();
        long natsMessages = after[0] - before[0];
        long frames = after[1] - before[1];
        System.out.println("OutboundBatchingTest: " + n + " messages of ~2 kB left in " + natsMessages
                + " NATS messages");
        assertThat(frames).isEqualTo(n);
        assertThat(natsMessages).as("n * 2 kB over %d-byte batches needs at least this many", limit)
                .isGreaterThanOrEqualTo((long) n * 2_000 / limit);
        assertThat(processed.get()).isEqualTo(n);
        assertThat(seen).hasSize(n);
        assertThat(receiver.broker().deadLetters().totalCount()).isZero();
    }

    /** 10,000 remote trySends from 4 threads: each processed exactly once, each thread's in its order. */
    @Test
    void tenThousandTrySendsFromFourThreadsAreEachProcessedOnce() throws Exception {
        int threads = 4;
        int each = 2_500;
        long[] before = sender.broker().outbound().publishedCounts();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int id = t;
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        sender.broker().trySend(actor, new Tick(id, i));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread p : producers) {
            assertThat(p.join(Duration.ofSeconds(60))).as("a producer finished").isTrue();
        }
        assertThat(failures).isEmpty();
        int n = threads * each;
        await().atMost(PATIENCE).until(() -> processed.get() >= n);
        long[] after = sender.broker().outbound().publishedCounts();
        System.out.println("OutboundBatchingTest: " + n + " messages from " + threads + " threads left in "
                + (after[0] - before[0]) + " NATS messages");
        assertThat(processed.get()).isEqualTo(n);
        assertThat(seen).hasSize(n);
        assertThat(outOfOrder.get()).as("messages of one thread out of its order").isZero();
        assertThat(after[1] - before[1]).isEqualTo(n);
        assertThat(receiver.broker().deadLetters().totalCount()).isZero();
    }

    /** A frame the receiver cannot decode is dead-lettered there; the others of its batch are delivered. */
    @Test
    void aBadFrameIsDeadLetteredAloneOnTheReceivingNode() {
        int n = 300;
        for (int i = 0; i < n; i++) {
            sender.broker().trySend(actor, new Tick(0, i));
            if (i % 3 == 0) {
                sender.broker().trySend(actor, new SenderOnly(i));
            }
        }
        int bad = n / 3;
        await().atMost(PATIENCE).until(() -> processed.get() >= n
                && receiver.broker().deadLetters().totalCount() >= bad);
        assertThat(processed.get()).isEqualTo(n);
        assertThat(receiver.broker().deadLetters().countsByReason().get(DeadLetterReason.UNDECODABLE))
                .isEqualTo(bad);
        assertThat(outOfOrder.get()).isZero();
    }
}
