package io.airssys.rt.internal.timer;

import java.util.function.Consumer;

/**
 * The wheel proper: a ring of buckets, one per tick of a revolution, each an intrusive doubly
 * linked list of {@link Timeout}s, plus a bitmap of the non-empty buckets. Not thread-safe:
 * only the holder of the {@link TimeoutWheel}'s lock touches it.
 *
 * <p>A timeout due at tick {@code d} lives in bucket {@code d & mask} whatever its round: each
 * visit of a bucket fires the timeouts due by then and leaves the later rounds in place, so a
 * timeout is looked at once per revolution at most. Linking and unlinking are O(1); the bitmap
 * finds the next non-empty bucket in {@code size / 64} word reads, which is how the wheel
 * sleeps until the next bucket that holds anything instead of waking every tick.
 */
final class WheelBuckets {

    private final Timeout[] heads;
    private final long[] occupied;
    private final int mask;
    private int size;

    /**
     * Creates the ring.
     *
     * @param buckets a power of two, at least 64
     */
    WheelBuckets(int buckets) {
        if (buckets < 64 || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("buckets must be a power of two >= 64, was " + buckets);
        }
        heads = new Timeout[buckets];
        occupied = new long[buckets >>> 6];
        mask = buckets - 1;
    }

    int buckets() {
        return heads.length;
    }

    /** Timeouts linked (pending, or cancelled and not yet unlinked). */
    int size() {
        return size;
    }

    void add(Timeout t) {
        int b = (int) (t.deadlineTick & mask);
        Timeout h = heads[b];
        t.bucket = b;
        t.prev = null;
        t.next = h;
        if (h != null) {
            h.prev = t;
        } else {
            occupied[b >>> 6] |= 1L << b;
        }
        heads[b] = t;
        size++;
    }

    /** Unlinks {@code t}; a no-op if it is not linked. */
    void remove(Timeout t) {
        int b = t.bucket;
        if (b < 0) {
            return;
        }
        Timeout p = t.prev;
        Timeout n = t.next;
        if (p != null) {
            p.next = n;
        } else {
            heads[b] = n;
            if (n == null) {
                occupied[b >>> 6] &= ~(1L << b);
            }
        }
        if (n != null) {
            n.prev = p;
        }
        t.prev = null;
        t.next = null;
        t.bucket = -1;
        size--;
    }

    /**
     * Unlinks every timeout due by {@code target} from the buckets of ticks
     * {@code from..target} (all buckets if that spans a revolution or more) and chains it onto
     * {@code expired} through {@link Timeout#next}.
     *
     * @return the new head of the chain
     */
    Timeout expire(long from, long target, Timeout expired) {
        if (target < from || size == 0) {
            return expired;
        }
        long span = target - from + 1; // no overflow: 0 <= from <= target
        int visits = span >= heads.length ? heads.length : (int) span;
        for (int i = 0; i < visits; i++) {
            int b = (int) ((from + i) & mask);
            Timeout n = heads[b];
            while (n != null) {
                Timeout after = n.next;
                if (n.deadlineTick <= target) {
                    remove(n);
                    n.next = expired;
                    expired = n;
                }
                n = after;
            }
        }
        return expired;
    }

    /**
     * Returns the first tick after {@code after} whose bucket holds a timeout: no linked
     * timeout is due before it. {@link Long#MAX_VALUE} when the ring is empty.
     */
    long nextOccupiedTick(long after) {
        if (size == 0) {
            return Long.MAX_VALUE;
        }
        int start = (int) ((after + 1) & mask);
        int words = occupied.length;
        int w = start >>> 6;
        long bits = occupied[w] & (-1L << start); // bits at or after start in its word
        for (int i = 0; i <= words; i++) {
            if (bits != 0) {
                int b = (w << 6) + Long.numberOfTrailingZeros(bits);
                return after + 1 + ((b - start) & mask);
            }
            w = (w + 1) == words ? 0 : w + 1;
            bits = occupied[w];
        }
        throw new IllegalStateException("timeout wheel: " + size + " linked but no bucket marked");
    }

    /** Unlinks every timeout, handing each to {@code sink}. */
    void clear(Consumer<Timeout> sink) {
        for (int b = 0; b < heads.length; b++) {
            Timeout n = heads[b];
            heads[b] = null;
            while (n != null) {
                Timeout after = n.next;
                n.prev = null;
                n.next = null;
                n.bucket = -1;
                sink.accept(n);
                n = after;
            }
        }
        java.util.Arrays.fill(occupied, 0L);
        size = 0;
    }
}
