package io.airssys.rt.internal.delivery;

import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTableTest {

    private static MpscMailbox<?> mailbox() {
        return (MpscMailbox<?>) Mailbox.unbounded();
    }

    private static List<Long> order(RoutingTable t) {
        List<Long> ids = new ArrayList<>();
        for (MpscMailbox<?> m = t.first(); m != null; m = RoutingTable.next(m)) {
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
    void aWalkStandingOnARemovedMailboxStillReachesTheRest() {
        RoutingTable t = new RoutingTable(4);
        for (long id = 1; id <= 4; id++) {
            t.insert(id, mailbox());
        }
        MpscMailbox<?> second = RoutingTable.next(t.first());
        t.remove(2);
        t.remove(3);
        List<Long> rest = new ArrayList<>();
        for (MpscMailbox<?> m = RoutingTable.next(second); m != null; m = RoutingTable.next(m)) {
            if (t.contains(m)) {
                rest.add(m.id);
            }
        }
        assertThat(rest).containsExactly(4L);
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
