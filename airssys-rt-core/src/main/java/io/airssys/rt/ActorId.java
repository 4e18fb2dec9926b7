package io.airssys.rt;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The identity of an actor: a 64-bit value, compared by value.
 *
 * <h2>Generated ids</h2>
 * {@link #newId()} builds an id from two parts: the JVM's <em>node number</em> in bits 40-62
 * and a per-JVM sequence in bits 0-39 that starts at {@value #FIRST_GENERATED}. So:
 * <ul>
 *   <li>ids a program picks by hand with {@link #of(long)} below {@value #FIRST_GENERATED}
 *   never collide with generated ones;</li>
 *   <li>within one JVM generated ids never repeat (the sequence never does, whatever the node
 *   number);</li>
 *   <li>across the JVMs of one cluster they never collide either, provided each JVM uses a
 *   node number of its own: a distributed broker claims one from its cluster's registry and
 *   calls {@link #useNode(int)} before any actor is spawned. Node numbers are claimed, not
 *   random: 23 random bits would collide between a hundred JVMs about once in two thousand
 *   clusters. A JVM that is not part of a cluster keeps node 0.</li>
 * </ul>
 */
public final class ActorId implements Comparable<ActorId> {

    /** The first value {@link #newId()} returns (2<sup>32</sup>). */
    public static final long FIRST_GENERATED = 1L << 32;

    /** The largest node number (2<sup>23</sup> - 1): generated ids stay positive. */
    public static final int MAX_NODE = (1 << 23) - 1;

    private static final int SEQUENCE_BITS = 40;
    private static final long SEQUENCE_END = 1L << SEQUENCE_BITS;
    private static final AtomicLong NEXT = new AtomicLong(FIRST_GENERATED);
    /** The node number, already shifted into place. */
    private static volatile long nodeBits;

    private final long value;

    private ActorId(long value) {
        this.value = value;
    }

    /**
     * Returns a new id, unique within this JVM, and within a cluster whose JVMs each
     * {@linkplain #useNode(int) use a node number} of their own (spec: {@code ActorId::new()}).
     *
     * @return an id no other call of this method returned
     * @throws IllegalStateException after 2<sup>40</sup> - 2<sup>32</sup> ids in one JVM
     */
    public static ActorId newId() {
        long sequence = NEXT.getAndIncrement();
        if (sequence >= SEQUENCE_END) {
            NEXT.set(SEQUENCE_END); // keep failing rather than wrap around into used ids
            throw new IllegalStateException("this JVM has generated all " + (SEQUENCE_END - FIRST_GENERATED)
                    + " actor ids of its sequence; pick ids with ActorId.of(long)");
        }
        return new ActorId(nodeBits | sequence);
    }

    /**
     * Sets this JVM's node number, used by every {@link #newId()} from now on. A distributed
     * broker calls it with a number claimed in its cluster's registry before actors are
     * spawned; ids generated before keep their node number and stay unique.
     *
     * @param node 0 to {@value #MAX_NODE}
     * @throws IllegalArgumentException if out of range
     */
    public static void useNode(int node) {
        if (node < 0 || node > MAX_NODE) {
            throw new IllegalArgumentException("node must be between 0 and " + MAX_NODE + ", was " + node);
        }
        nodeBits = (long) node << SEQUENCE_BITS;
    }

    /**
     * Returns the node number {@link #newId()} uses now.
     *
     * @return 0 unless {@link #useNode(int)} set another
     */
    public static int currentNode() {
        return (int) (nodeBits >>> SEQUENCE_BITS);
    }

    /**
     * Returns the node number in this id (bits 40-62): for a generated id, the node of the
     * JVM that generated it. Ids picked by hand below 2<sup>40</sup> have node 0.
     *
     * @return 0 to {@value #MAX_NODE}
     */
    public int node() {
        return (int) ((value >>> SEQUENCE_BITS) & MAX_NODE);
    }

    /**
     * Returns the id with the given value; two ids with the same value are equal.
     *
     * @param value any 64-bit value
     * @return the id
     */
    public static ActorId of(long value) {
        return new ActorId(value);
    }

    /**
     * Returns the numeric value of this id (spec: {@code as_u64()}).
     *
     * @return the value
     */
    public long asLong() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActorId other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public int compareTo(ActorId o) {
        return Long.compare(value, o.value);
    }

    /** Returns {@code "actor-" + value}, e.g. {@code actor-42}. */
    @Override
    public String toString() {
        return "actor-" + value;
    }
}
