package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTableTest {

    private static MpscMailbox<?> mailbox() {
        return (MpscMailbox<?>) Mailbox.unbounded();
    }

    private static List<Long> order(RoutingTable t) {
        return registeredIds(t);
    }

    /** The registered ids in registration order, as the broker's actorIds() and broadcast list them. */
    private static List<Long> registeredIds(RoutingTable t) {
        List<Long> ids = new ArrayList<>();
        for (MpscMailbox<?> m : t.snapshot()) {
            ids.add(m.id);
        }
        return ids;
    }

    @Test
    void insertGetRemove() {
        RoutingTable t = new RoutingTable(0);
        MpscMailbox<?> a = mailbox();
        assertThat(t.insert(7, a)).isEqualTo(RoutingTable.INSERTED);
        assertThat(t.get(7)).isSameAs(a);
        assertThat(t.get(8)).isNull();
        assertThat(t.insert(7, mailbox())).isEqualTo(RoutingTable.DUPLICATE);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.remove(7)).isSameAs(a);
        assertThat(t.remove(7)).isNull();
        assertThat(t.get(7)).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    void growsFromTheSmallestSizeAndKeepsEveryEntry() {
        RoutingTable t = new RoutingTable(0);
        List<MpscMailbox<?>> all = new ArrayList<>();
        for (long id = 0; id < 10_000; id++) {
            MpscMailbox<?> m = mailbox();
            all.add(m);
            assertThat(t.insert(id * 31 + 5, m)).isEqualTo(RoutingTable.INSERTED);
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(t.get(i * 31L + 5)).isSameAs(all.get(i));
        }
        assertThat(t.size()).isEqualTo(10_000);
    }

    @Test
    void aDuplicateBehindATombstoneIsStillFound() {
        // ids that collide into one probe chain: insert a, b; remove a (tombstone); b must stay unique
        RoutingTable t = new RoutingTable(0);
        long a = 1;
        long b = -1;
        for (long candidate = 2; ; candidate++) {
            if (sameChainStart(a, candidate)) {
                b = candidate;
                break;
            }
        }
        t.insert(a, mailbox());
        MpscMailbox<?> mb = mailbox();
        t.insert(b, mb);
        t.remove(a);
        assertThat(t.insert(b, mailbox())).isEqualTo(RoutingTable.DUPLICATE);
        assertThat(t.get(b)).isSameAs(mb);
        MpscMailbox<?> again = mailbox();
        assertThat(t.insert(a, again)).isEqualTo(RoutingTable.INSERTED); // reuses the tombstone
        assertThat(t.get(a)).isSameAs(again);
    }

    private static boolean sameChainStart(long x, long y) {
        long spread = 0x9E3779B97F4A7C15L;
        int shift = 64 - 4; // 16 slots
        return ((x * spread) >>> shift) == ((y * spread) >>> shift);
    }

    @Test
    void churnOfRegisterAndUnregisterDoesNotGrowTheTableWithoutBound() {
        RoutingTable t = new RoutingTable(0);
        for (int round = 0; round < 100_000; round++) {
            long id = 1_000_000L + round;
            t.insert(id, mailbox());
            assertThat(t.remove(id)).isNotNull();
        }
        assertThat(t.size()).isZero();
        assertThat(t.insert(5, mailbox())).isEqualTo(RoutingTable.INSERTED);
        assertThat(t.get(5)).isNotNull();
    }

    @Test
    void registrationOrderSurvivesRemovalsAnywhere() {
        RoutingTable t = new RoutingTable(4);
        for (long id = 1; id <= 6; id++) {
            t.insert(id, mailbox());
        }
        t.remove(1);
        t.remove(4);
        t.remove(6);
        assertThat(order(t)).containsExactly(2L, 3L, 5L);
        t.insert(1, mailbox());
        assertThat(order(t)).containsExactly(2L, 3L, 5L, 1L);
    }

    @Test
    void snapshotsUnderChurnKeepEveryStableEntryInOrder() throws Exception {
        // Stable entries alternate with churned ones in registration order, so a lock-free walk
        // often stands on a mailbox that a writer unlinks (and whose links it clears) meanwhile:
        // the snapshot must still list every stable entry, in order, and only registered ones.
        RoutingTable t = new RoutingTable(0);
        int stable = 64;
        List<Long> stableIds = new ArrayList<>();
        for (long i = 0; i < stable; i++) {
            t.insert(i, mailbox());
            stableIds.add(i);
            t.insert(1_000 + i, mailbox()); // churned below
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger snapshots = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int round = 0; round < 200_000 && failure.get() == null && System.nanoTime() < deadline; round++) {
                long id = 1_000 + ThreadLocalRandom.current().nextInt(2 * stable);
                if (t.remove(id) == null) {
                    t.insert(id, mailbox());
                }
            }
            stop.set(true);
        });
        Thread reader = new Thread(() -> {
            while (!stop.get() && System.nanoTime() < deadline) {
                List<MpscMailbox<?>> snap = t.snapshot();
                List<Long> seenStable = new ArrayList<>();
                for (MpscMailbox<?> m : snap) {
                    if (m.id < stable) {
                        seenStable.add(m.id);
                    } else if (m.id < 1_000 || m.isClosed()) {
                        failure.compareAndSet(null, "unexpected entry " + m);
                    }
                }
                if (!seenStable.equals(stableIds)) {
                    failure.compareAndSet(null, "stable entries " + seenStable);
                }
                snapshots.incrementAndGet();
            }
        });
        writer.start();
        reader.start();
        writer.join(60_000);
        reader.join(60_000);
        assertThat(writer.isAlive() || reader.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(snapshots.get()).isPositive();
        assertThat(t.snapshot()).hasSize(t.size());
    }

    @Test
    void aRemovedMailboxKeepsNoLinkToAnother() {
        // issue 8, item 12(a): a removed mailbox kept its orderNext, chaining the dead to each other
        RoutingTable t = new RoutingTable(4);
        MpscMailbox<?>[] boxes = new MpscMailbox<?>[5];
        for (int i = 1; i <= 4; i++) {
            boxes[i] = mailbox();
            t.insert(i, boxes[i]);
        }
        t.remove(2); // middle
        t.remove(1); // first
        t.remove(4); // last
        for (int i : new int[] {1, 2, 4}) {
            assertThat(boxes[i].orderNext).as("orderNext of removed %d", i).isNull();
            assertThat(boxes[i].orderPrev).as("orderPrev of removed %d", i).isNull();
        }
        t.closeAndClear(); // removes 3, the last one
        assertThat(boxes[3].orderNext).isNull();
        assertThat(boxes[3].orderPrev).isNull();
    }

    @Test
    void oneKeptRemovedMailboxDoesNotRetainTheOnesRemovedAfterIt() throws InterruptedException {
        // issue 8, item 12(a): each registration overlaps the next, as under churn; the test keeps
        // the first removed mailbox (as a stale cache entry or a kept ActorContext would) and
        // checks that every later removed mailbox can still be collected.
        RoutingTable t = new RoutingTable(0);
        int rounds = 2_000;
        MpscMailbox<?> kept = mailbox();
        t.insert(0, kept);
        List<WeakReference<MpscMailbox<?>>> removed = new ArrayList<>(rounds);
        for (long id = 1; id <= rounds; id++) {
            MpscMailbox<?> m = mailbox();
            t.insert(id, m);
            MpscMailbox<?> gone = t.remove(id - 1);
            if (gone != kept) {
                removed.add(new WeakReference<>(gone));
            }
        }
        assertThat(t.size()).isEqualTo(1);
        java.util.concurrent.atomic.AtomicInteger gcs = new java.util.concurrent.atomic.AtomicInteger();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(10)).until(() -> {
                    System.gc();
                    return removed.stream().allMatch(r -> r.get() == null) || gcs.incrementAndGet() >= 50;
                });
        long cleared = removed.stream().filter(r -> r.get() == null).count();
        assertThat(cleared).as("removed mailboxes collected while the first one is kept").isEqualTo(removed.size());
        assertThat(kept.id).isZero(); // keeps `kept` reachable until here
    }

    @Test
    void getAndTheRegistrationOrderAgreeWhileAWriterInsertsAndRemoves() throws Exception {
        // issue 8, item 14: the slot was published before the order link and tombstoned before
        // the unlink, so a reader could see an id through get and then miss it in the order
        // (or the reverse). The writer inserts id k, waits until the reader saw it, removes it,
        // waits until the reader saw it gone; the reader checks the order right after each get.
        RoutingTable t = new RoutingTable(0);
        int rounds = 20_000;
        long deadline = System.nanoTime() + 20_000_000_000L;
        AtomicLong seenIn = new AtomicLong(-1);
        AtomicLong seenOut = new AtomicLong(-1);
        AtomicInteger missing = new AtomicInteger();
        AtomicInteger lingering = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (long k = 0; k < rounds; k++) {
                t.insert(k, mailbox());
                if (!awaitValue(seenIn, k, deadline)) {
                    return;
                }
                t.remove(k);
                if (!awaitValue(seenOut, k, deadline)) {
                    return;
                }
            }
        });
        Thread reader = new Thread(() -> {
            for (long k = 0; k < rounds; k++) {
                while (t.get(k) == null) {
                    if (System.nanoTime() > deadline) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                if (!registeredIds(t).contains(k)) {
                    missing.incrementAndGet();
                }
                seenIn.set(k);
                while (t.get(k) != null) {
                    if (System.nanoTime() > deadline) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                if (registeredIds(t).contains(k)) {
                    lingering.incrementAndGet();
                }
                seenOut.set(k);
                completed.incrementAndGet();
            }
        });
        writer.start();
        reader.start();
        writer.join(60_000);
        reader.join(60_000);
        assertThat(writer.isAlive() || reader.isAlive()).isFalse();
        assertThat(completed.get()).isPositive();
        assertThat(missing.get()).as("ids seen by get, then missing from the order").isZero();
        assertThat(lingering.get()).as("ids gone from get, then still in the order").isZero();
    }

    private static boolean awaitValue(AtomicLong cell, long value, long deadline) {
        while (cell.get() != value) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    @Test
    void removeByIdentityLeavesANewerRegistrationAlone() {
        RoutingTable t = new RoutingTable(0);
        MpscMailbox<?> old = mailbox();
        t.insert(9, old);
        t.remove(9);
        MpscMailbox<?> fresh = mailbox();
        t.insert(9, fresh);
        assertThat(t.remove(old)).isFalse();
        assertThat(t.get(9)).isSameAs(fresh);
        assertThat(t.remove(fresh)).isTrue();
    }

    @Test
    void closedTableRefusesInsertsAndReturnsEverythingInOrder() {
        RoutingTable t = new RoutingTable(0);
        t.insert(3, mailbox());
        t.insert(1, mailbox());
        assertThat(t.closeAndClear()).extracting(m -> m.id).containsExactly(3L, 1L);
        assertThat(t.insert(2, mailbox())).isEqualTo(RoutingTable.TABLE_CLOSED);
        assertThat(t.get(3)).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    void lockFreeReadersAlwaysFindStableEntriesWhileWritersChurnAndResize() throws Exception {
        RoutingTable t = new RoutingTable(0);
        int stable = 512;
        MpscMailbox<?>[] stableBoxes = new MpscMailbox<?>[stable];
        for (int i = 0; i < stable; i++) {
            stableBoxes[i] = mailbox();
            t.insert(i, stableBoxes[i]);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (int round = 0; round < 200_000 && failure.get() == null; round++) {
                long id = 10_000 + ThreadLocalRandom.current().nextInt(5_000);
                if (t.get(id) == null) {
                    t.insert(id, mailbox());
                } else {
                    t.remove(id);
                }
            }
            stop.set(true);
        });
        Runnable read = () -> {
            while (!stop.get()) {
                int i = ThreadLocalRandom.current().nextInt(stable);
                MpscMailbox<?> m = t.get(i);
                if (m != stableBoxes[i]) {
                    failure.compareAndSet(null, "lost stable id " + i + ": got " + m);
                }
                long churnId = 10_000 + ThreadLocalRandom.current().nextInt(5_000);
                MpscMailbox<?> c = t.get(churnId);
                if (c != null && c.id != churnId) {
                    failure.compareAndSet(null, "id " + churnId + " mapped to mailbox of " + c.id);
                }
            }
        };
        Thread reader = new Thread(read);
        writer.start();
        reader.start();
        writer.join(60_000);
        reader.join(60_000);
        assertThat(failure.get()).isNull();
        assertThat(writer.isAlive()).isFalse();
    }
}
