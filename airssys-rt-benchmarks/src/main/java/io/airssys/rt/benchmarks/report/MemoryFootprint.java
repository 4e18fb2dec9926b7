package io.airssys.rt.benchmarks.report;

import io.airssys.rt.ActorId;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.benchmarks.Messages;
import io.airssys.rt.benchmarks.pekko.PekkoFixture;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.mailbox.Mailbox;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Retained heap, measured as the difference in used heap after full collections before and
 * after creating N of something and keeping it reachable: not an estimate from field sizes.
 */
final class MemoryFootprint {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private MemoryFootprint() {
    }

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc(); // a full, synchronous collection with the default collector
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Bytes retained by one empty {@link InMemoryMessageBroker}, averaged over 1,000. */
    static double brokerBase() {
        InMemoryMessageBroker[] keep = new InMemoryMessageBroker[1_000];
        long before = usedAfterGc();
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new InMemoryMessageBroker();
        }
        long after = usedAfterGc();
        double perBroker = (after - before) / (double) keep.length;
        reachabilityFence(keep);
        return perBroker;
    }

    /**
     * Bytes the routing table adds per registered mailbox (mailboxes created beforehand).
     *
     * @param n number of registrations
     * @return bytes per entry
     */
    static double routingEntry(int n) {
        Mailbox<?>[] boxes = new Mailbox<?>[n];
        for (int i = 0; i < n; i++) {
            boxes[i] = Mailbox.unbounded();
        }
        InMemoryMessageBroker broker = new InMemoryMessageBroker();
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            broker.register(ActorId.of(i), boxes[i]);
        }
        long after = usedAfterGc();
        double perEntry = (after - before) / (double) n;
        reachabilityFence(boxes);
        broker.close();
        return perEntry;
    }

    /**
     * Bytes per idle registered actor in total: mailbox, registration, actor, attachment.
     * The same behavior is used for all actors, as a real system spawns many actors of one kind.
     *
     * @param n number of actors
     * @return total bytes retained, including the system's fixed part
     */
    static long idleActors(int n) {
        ActorSystem system = ActorSystem.create();
        var behavior = Messages.worker();
        long before = usedAfterGc();
        ActorId last = null;
        for (int i = 0; i < n; i++) {
            last = system.spawn(behavior).id();
        }
        system.broker().send(last, new Messages.Ping(1)).join(); // every preStart has run before it
        long after = usedAfterGc();
        system.close();
        return after - before;
    }

    /**
     * Bytes per idle Pekko classic actor.
     *
     * @param n number of actors
     * @return bytes per actor
     */
    static double pekkoClassicActor(int n) {
        try (PekkoFixture pekko = new PekkoFixture(PekkoFixture.CLASSIC_DEFAULT)) {
            PekkoFixture.Target[] keep = new PekkoFixture.Target[n];
            long before = usedAfterGc();
            for (int i = 0; i < n; i++) {
                keep[i] = pekko.spawn();
            }
            for (PekkoFixture.Target t : keep) { // actors start asynchronously: each answers once started
                t.ask(1).join();
            }
            long after = usedAfterGc();
            reachabilityFence(keep);
            return (after - before) / (double) n;
        }
    }

    private static void reachabilityFence(Object o) {
        java.lang.ref.Reference.reachabilityFence(o);
    }
}
