package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;
import org.openjdk.jol.info.GraphLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JOL guards the mailbox's field layout (issue 9, item 7): the fields producers write and the
 * fields the consumer writes per message are at least a cache line (64 bytes) apart, so they
 * can never share one whatever the object's alignment, and an idle mailbox does not grow.
 * The layers' class comments explain the layout ({@link MailboxProducerFields},
 * {@link MailboxColdFields}, {@link MailboxConsumerFields}).
 */
class MailboxLayoutTest {

    static {
        // JOL reads some JDK-internal fields (locks, hidden classes) on the graph walk; on JDK 25
        // it needs this to find their offsets without Unsafe.objectFieldOffset.
        System.setProperty("jol.magicFieldOffset", "true");
    }

    private static final int CACHE_LINE = 64;

    /** Written by producers: the queue tail and stub link, the status word, bounded reservations. */
    private static final Set<String> PRODUCER_WRITTEN = Set.of("tail", "stubNext", "status", "reserved", "consumedSeen");

    /** Written by the consumer per message. */
    private static final Set<String> CONSUMER_WRITTEN = Set.of("head", "lanes", "current", "laneVersion", "consumed");

    /**
     * The idle mailbox now (JOL, JDK 25, compressed oops and class pointers, 12-byte header):
     * 20 producer bytes, 60 cold bytes (the gap), 20 consumer bytes, no padding. It was 120
     * bytes before the queue was rebuilt.
     */
    private static final long IDLE_MAILBOX_BYTES = 112;

    /** Issue 9's target for an idle registered actor, routing entry included. */
    private static final long IDLE_ACTOR_TARGET_BYTES = 128;

    record Ping() implements Message<Void> {
    }

    private static Map<String, Long> offsets() {
        Map<String, Long> offsets = new TreeMap<>();
        for (FieldLayout f : ClassLayout.parseClass(MpscMailbox.class).fields()) {
            offsets.put(f.name(), f.offset());
        }
        return offsets;
    }

    @Test
    void producerAndConsumerFieldsAreACacheLineApart() {
        Map<String, Long> offsets = offsets();
        assertThat(offsets.keySet()).containsAll(PRODUCER_WRITTEN).containsAll(CONSUMER_WRITTEN);
        long closest = Long.MAX_VALUE;
        String pair = "";
        for (String p : PRODUCER_WRITTEN) {
            for (String c : CONSUMER_WRITTEN) {
                long d = Math.abs(offsets.get(c) - offsets.get(p));
                if (d < closest) {
                    closest = d;
                    pair = p + " / " + c;
                }
            }
        }
        System.out.println(ClassLayout.parseClass(MpscMailbox.class).toPrintable());
        assertThat(closest).as("closest producer/consumer pair: " + pair + " in " + offsets)
                .isGreaterThanOrEqualTo(CACHE_LINE);
    }

    @Test
    void anIdleMailboxDoesNotGrow() {
        long bytes = ClassLayout.parseInstance(Mailbox.unbounded()).instanceSize();
        System.out.println("idle mailbox instance: " + bytes + " B");
        assertThat(bytes).isLessThanOrEqualTo(IDLE_MAILBOX_BYTES);
        assertThat(ClassLayout.parseInstance(Mailbox.bounded(8)).instanceSize()).isEqualTo(bytes);
    }

    @Test
    void anIdleRegisteredActorStaysWithinTheTarget() {
        int actors = 4_096;
        InMemoryMessageBroker broker = InMemoryMessageBroker.builder().expectedActors(0).noDefaultTimeout().build();
        List<Runnable> runs = new ArrayList<>();
        ActorSystem system = ActorSystem.builder().broker(broker).executor(runs::add).build();
        Behavior<Message<?>> behavior = Behaviors.receive().onTell(Ping.class, p -> { }).build();
        // one actor first, so that what every actor shares (dispatcher, owner, behavior) is in the baseline
        system.spawn(ActorId.newId(), behavior, Mailbox.unbounded());
        runAll(runs);
        long base = GraphLayout.parseInstance(broker).totalSize();
        for (int i = 1; i < actors; i++) {
            system.spawn(ActorId.newId(), behavior, Mailbox.unbounded());
        }
        runAll(runs); // each actor's preStart: it is started and idle
        long total = GraphLayout.parseInstance(broker).totalSize();
        long perActor = (total - base) / (actors - 1);
        System.out.println("idle registered actor: " + perActor + " B (mailbox, actor instance, routing slots)");
        // the mailbox, the routing table's slots (open addressing) and whatever the behavior's
        // factory makes per actor (nothing for a stateless Behaviors.receive() actor)
        assertThat(perActor).isBetween(IDLE_MAILBOX_BYTES, IDLE_ACTOR_TARGET_BYTES);
        broker.close();
    }

    private static void runAll(List<Runnable> runs) {
        while (!runs.isEmpty()) {
            runs.remove(0).run();
        }
    }
}
