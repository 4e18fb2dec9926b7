package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.spi.ActorDirectory;
import io.airssys.rt.spi.ActorLocation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Maps actor ids to mailboxes: lock-free lookups, writes serialized by one lock, and a
 * snapshot of the registered mailboxes in registration order for broadcasts.
 *
 * <h2>Design</h2>
 * An open-addressing table with linear probing whose slots hold the mailboxes themselves; the
 * key is the mailbox's own {@code id} field, so an entry costs one reference slot (two at the
 * maximum load of one half) and no boxed key or node: about 8 bytes per actor plus the id
 * field in the mailbox. Lookups read the current array (volatile) and probe slots with acquire
 * loads; they never lock and never allocate.
 *
 * <p>Writers (register, unregister, close) hold {@link #lock}. An insert fills a free slot with
 * a release store after the mailbox's id was written, so a reader that finds the mailbox sees
 * its id. A removal replaces the slot with {@link #TOMBSTONE} (release), never with
 * {@code null}, so probes for other keys keep walking past it. An insert may reuse a
 * tombstone, after probing to the end of the chain to be sure the id is not present further
 * on. Reuse is safe for lock-free readers because a slot holds the whole entry (the mailbox
 * and, inside it, its immutable id): a reader sees either the old occupant or the new one,
 * never the key of one with the value of the other. A rehash (growth or tombstone clean-up) builds a new
 * array with plain stores and publishes it with one volatile store; readers still on the old
 * array see the state as of the rehash, which is a consistent earlier state.
 *
 * <h2>Registration order and snapshots</h2>
 * Registration order is a doubly linked list through the mailboxes ({@code orderPrev},
 * {@code orderNext}), changed only under the lock. A removed mailbox keeps no link: a dead
 * mailbox that something still references (a stale cache entry, a kept {@code ActorContext})
 * must not keep the mailboxes registered after it alive, one chain per churn.
 *
 * <p>A writer changes a slot and the list in two steps, so a reader walking the list on its
 * own could see an id through {@link #get} and then miss it in the list, or the reverse. The
 * table therefore has one version word, a sequence lock: a writer makes it odd before its
 * first change and even again after its last, all under {@link #lock}. {@link #snapshot()}
 * reads an even version, walks the list, and re-reads the version after every link it
 * follows; an unchanged version proves every link it read belongs to that one stable state,
 * which is the state the snapshot returns. A changed version (a writer came by, perhaps
 * unlinking the mailbox the walk stands on, whose links are now {@code null}) makes the walk
 * start over; after {@link #OPTIMISTIC_WALKS} tries, or at once if a writer is active, the
 * walk takes the lock. So a snapshot is linearizable with {@link #get}, {@link #insert} and
 * {@link #remove}: a lookup's linearization point is its slot load, a write's is its slot
 * store, which lies inside its odd window, and a snapshot's is any instant of the even window
 * it read. {@link #size()} reads the count the same way. {@link #get} never reads the version:
 * the lookup on every send's path costs what it did.
 *
 * <p>As the local {@link ActorDirectory}, it resolves every registered id to
 * {@link ActorLocation.Local} with its mailbox; the broker's send path uses {@link #get}
 * directly and allocates nothing.
 */
public final class RoutingTable implements ActorDirectory {

    /** {@link #insert} result. */
    public static final int INSERTED = 0;
    /** {@link #insert} result: the id is taken. */
    public static final int DUPLICATE = 1;
    /** {@link #insert} result: the table was closed. */
    public static final int TABLE_CLOSED = 2;

    private static final MpscMailbox<?> TOMBSTONE = new MpscMailbox<>(1);
    /** Lock-free walks a snapshot tries before it takes the lock. */
    private static final int OPTIMISTIC_WALKS = 2;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(MpscMailbox[].class);
    private static final int MIN_LENGTH = 16;
    /** Fibonacci hashing multiplier (2^64 / golden ratio): spreads sequential ids over the table. */
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    private final ReentrantLock lock = new ReentrantLock();
    private final int minLength;
    private volatile MpscMailbox<?>[] slots;
    private volatile int count;
    /** Sequence lock over the slots, the list and {@link #count}: odd while a writer changes them. */
    private volatile long version;
    private int used; // live entries + tombstones in the current array; under lock
    private boolean closed; // under lock
    private volatile MpscMailbox<?> first;
    private MpscMailbox<?> last; // under lock

    /**
     * Creates a table sized for {@code expected} actors without a rehash.
     *
     * @param expected expected number of registered actors, at least 0
     */
    public RoutingTable(int expected) {
        this.minLength = lengthFor(expected);
        this.slots = new MpscMailbox<?>[minLength];
    }

    private static int lengthFor(int entries) {
        long want = Math.max(MIN_LENGTH, 2L * entries + 2);
        return (int) Math.min(1 << 30, Long.highestOneBit(want - 1) << 1);
    }

    private static int indexFor(long id, int length) {
        return (int) ((id * SPREAD) >>> (64 - Integer.numberOfTrailingZeros(length)));
    }

    /**
     * Returns the mailbox registered under {@code id}. Lock-free.
     *
     * @param id the actor id
     * @return the mailbox, or {@code null}
     */
    public MpscMailbox<?> get(long id) {
        MpscMailbox<?>[] t = slots;
        int mask = t.length - 1;
        for (int i = indexFor(id, t.length); ; i = (i + 1) & mask) {
            MpscMailbox<?> m = (MpscMailbox<?>) SLOTS.getAcquire(t, i);
            if (m == null) {
                return null;
            }
            if (m != TOMBSTONE && m.id == id) {
                return m;
            }
        }
    }

    /**
     * Registers {@code mailbox} under {@code id} unless the id is taken. Atomic.
     *
     * @param id      the actor id
     * @param mailbox a claimed, unregistered mailbox
     * @return {@link #INSERTED}, {@link #DUPLICATE} or {@link #TABLE_CLOSED}
     */
    public int insert(long id, MpscMailbox<?> mailbox) {
        lock.lock();
        try {
            if (closed) {
                return TABLE_CLOSED;
            }
            MpscMailbox<?>[] t = slots;
            int mask = t.length - 1;
            int free = -1;
            for (int i = indexFor(id, t.length); ; i = (i + 1) & mask) {
                MpscMailbox<?> m = t[i];
                if (m == null) {
                    if (free < 0) {
                        free = i;
                    }
                    break;
                }
                if (m == TOMBSTONE) {
                    if (free < 0) {
                        free = i; // reusable, but keep probing: the id may be further along
                    }
                } else if (m.id == id) {
                    return DUPLICATE;
                }
            }
            mailbox.bind(id);
            boolean fillsNull = t[free] == null;
            beginWrite();
            try {
                // NOTE: keep at least half the slots null, so that every probe loop (here and in
                // the lock-free get) ends at a null slot.
                if (fillsNull && 2 * (used + 1) > t.length) {
                    t = rehash(count + 1);
                    placeFresh(t, mailbox);
                    used = count + 1;
                    slots = t; // volatile publish of a fully built array
                } else {
                    if (fillsNull) {
                        used++;
                    }
                    SLOTS.setRelease(t, free, mailbox); // publishes mailbox.id to lock-free readers
                }
                count = count + 1;
                linkLast(mailbox);
            } finally {
                endWrite();
            }
            return INSERTED;
        } finally {
            lock.unlock();
        }
    }

    private MpscMailbox<?>[] rehash(int liveAfter) {
        MpscMailbox<?>[] old = slots;
        MpscMailbox<?>[] fresh = new MpscMailbox<?>[Math.max(minLength, lengthFor(liveAfter))];
        for (MpscMailbox<?> m : old) {
            if (m != null && m != TOMBSTONE) {
                placeFresh(fresh, m);
            }
        }
        return fresh;
    }

    private static void placeFresh(MpscMailbox<?>[] t, MpscMailbox<?> m) {
        int mask = t.length - 1;
        int i = indexFor(m.id, t.length);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = m;
    }

    /**
     * Removes the mailbox registered under {@code id}.
     *
     * @param id the actor id
     * @return the removed mailbox, or {@code null} if none was registered
     */
    public MpscMailbox<?> remove(long id) {
        lock.lock();
        try {
            return removeLocked(id, null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes {@code mailbox} if it is still the one registered under its id.
     *
     * @param mailbox the mailbox
     * @return {@code true} if it was removed by this call
     */
    public boolean remove(MpscMailbox<?> mailbox) {
        lock.lock();
        try {
            return removeLocked(mailbox.id, mailbox) != null;
        } finally {
            lock.unlock();
        }
    }

    private MpscMailbox<?> removeLocked(long id, MpscMailbox<?> expected) {
        MpscMailbox<?>[] t = slots;
        int mask = t.length - 1;
        for (int i = indexFor(id, t.length); ; i = (i + 1) & mask) {
            MpscMailbox<?> m = t[i];
            if (m == null) {
                return null;
            }
            if (m != TOMBSTONE && m.id == id) {
                if (expected != null && m != expected) {
                    return null;
                }
                beginWrite();
                try {
                    SLOTS.setRelease(t, i, TOMBSTONE);
                    count = count - 1;
                    unlink(m);
                    // Clean tombstones up once they are half of what occupies the array.
                    if (used > 2 * count + MIN_LENGTH) {
                        MpscMailbox<?>[] fresh = rehash(count);
                        used = count;
                        slots = fresh;
                    }
                } finally {
                    endWrite();
                }
                return m;
            }
        }
    }

    /**
     * Opens a write: the version turns odd before the first change a reader could see. Under
     * the lock.
     */
    private void beginWrite() {
        // NOTE: a volatile store, and every change that follows is a volatile or release store
        // (slot, array, count, orderNext, first), so a snapshot that reads any of the changes
        // then reads this odd version or a later one and starts over. Covered by
        // RoutingLinearizabilityTest (ids, size) and RoutingTableTest
        // (getAndTheRegistrationOrderAgree..., snapshotsUnderChurn...).
        version = version + 1;
    }

    /** Closes a write: the version turns even after the last change. Under the lock. */
    private void endWrite() {
        version = version + 1; // volatile: orders every change of this write before it
    }

    private void linkLast(MpscMailbox<?> m) {
        m.orderPrev = last;
        m.orderNext = null;
        if (last == null) {
            first = m;
        } else {
            last.orderNext = m;
        }
        last = m;
    }

    private void unlink(MpscMailbox<?> m) {
        MpscMailbox<?> prev = m.orderPrev;
        MpscMailbox<?> next = m.orderNext;
        if (prev == null) {
            first = next;
        } else {
            prev.orderNext = next;
        }
        if (next == null) {
            last = prev;
        } else {
            next.orderPrev = prev;
        }
        // NOTE: m keeps no link (issue 8, 12(a)): a kept dead mailbox must not retain the
        // mailboxes registered after it. A snapshot standing on m reads null here, then a
        // changed version, and starts over (see snapshot). Covered by RoutingTableTest
        // (oneKeptRemovedMailboxDoesNotRetainTheOnesRemovedAfterIt, snapshotsUnderChurn...).
        m.orderNext = null;
        m.orderPrev = null;
    }

    /**
     * Closes the table: later inserts fail, and every registered mailbox is removed.
     *
     * @return the mailboxes that were registered, in registration order
     */
    public List<MpscMailbox<?>> closeAndClear() {
        lock.lock();
        try {
            closed = true;
            List<MpscMailbox<?>> all = walkLocked();
            beginWrite();
            try {
                slots = new MpscMailbox<?>[MIN_LENGTH];
                used = 0;
                count = 0;
                first = null;
                last = null;
                for (MpscMailbox<?> m : all) {
                    m.orderNext = null; // removed mailboxes keep no links, as in unlink
                    m.orderPrev = null;
                }
            } finally {
                endWrite();
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the registered mailboxes in registration order, oldest first: the state at one
     * instant between the call and its return, linearizable with {@link #get}, {@link #insert}
     * and {@link #remove}. A mailbox {@link #get} returned before this call is in the list
     * unless it was removed since; a mailbox in the list is returned by a later {@link #get}
     * unless it was removed since. Lock-free unless a writer comes by during the walk; then it
     * waits for the lock (see the class comment).
     *
     * <p>Use it for every view of "all registered actors" (listing, broadcast): walking the
     * order links without it is not consistent with {@link #get}.
     *
     * @return a new mutable list that the caller owns
     */
    public List<MpscMailbox<?>> snapshot() {
        List<MpscMailbox<?>> out = new ArrayList<>(Math.max(4, count));
        for (int attempt = 0; attempt < OPTIMISTIC_WALKS; attempt++) {
            long v = version;
            if ((v & 1) != 0) {
                break; // a writer holds the lock: wait on it rather than spin
            }
            if (walkAt(v, out)) {
                return out;
            }
            out.clear();
        }
        lock.lock();
        try {
            return walkLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Walks the list without the lock; fails as soon as the version is no longer {@code v}.
     * Every link read is followed by a version read before it is used, so within one stable
     * (acyclic, finite) state the walk ends, and it never adds a mailbox of another state.
     */
    private boolean walkAt(long v, List<MpscMailbox<?>> out) {
        MpscMailbox<?> m = first;
        while (true) {
            if (version != v) {
                return false;
            }
            if (m == null) {
                return true;
            }
            out.add(m);
            m = m.orderNext;
        }
    }

    private List<MpscMailbox<?>> walkLocked() {
        List<MpscMailbox<?>> all = new ArrayList<>(Math.max(4, count));
        for (MpscMailbox<?> m = first; m != null; m = m.orderNext) {
            all.add(m);
        }
        return all;
    }

    /**
     * Returns the number of registered mailboxes, linearizable with {@link #get},
     * {@link #insert}, {@link #remove} and {@link #snapshot}: once {@link #get} found a new
     * registration, this count includes it, and it equals the size of a snapshot taken with no
     * write in between. The count is read under the version like a snapshot; if a writer is
     * active it waits for the lock. Like any count, it may be stale by the time the caller
     * uses it.
     *
     * @return the count
     */
    public int size() {
        long v = version;
        int c = count;
        if ((v & 1) == 0 && version == v) {
            return c;
        }
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether {@code m} is still registered here (by identity).
     *
     * @param m a mailbox
     * @return {@code true} if registered
     */
    public boolean contains(MpscMailbox<?> m) {
        return get(m.id) == m;
    }

    // ------------------------------------------------------------------ ActorDirectory

    @Override
    public ActorLocation locate(ActorId id) {
        MpscMailbox<?> m = get(id.asLong());
        return m == null ? null : new ActorLocation.Local(m);
    }

    @Override
    public boolean contains(ActorId id) {
        return get(id.asLong()) != null;
    }

    @Override
    public List<ActorId> actorIds() {
        List<MpscMailbox<?>> all = snapshot();
        List<ActorId> ids = new ArrayList<>(all.size());
        for (MpscMailbox<?> m : all) {
            ids.add(m.actorId());
        }
        return Collections.unmodifiableList(ids);
    }
}
