package io.airssys.rt;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The identity of an actor: a 64-bit value, compared by value.
 *
 * <p>{@link #newId()} hands out process-unique ids from a counter that starts at
 * {@value #FIRST_GENERATED}, so ids a program picks by hand with {@link #of(long)} below that
 * value never collide with generated ones.
 */
public final class ActorId implements Comparable<ActorId> {

    /** The first value {@link #newId()} returns (2<sup>32</sup>). */
    public static final long FIRST_GENERATED = 1L << 32;

    private static final AtomicLong NEXT = new AtomicLong(FIRST_GENERATED);

    private final long value;

    private ActorId(long value) {
        this.value = value;
    }

    /**
     * Returns a new id, unique within this JVM (spec: {@code ActorId::new()}).
     *
     * @return an id no other call of this method returned
     */
    public static ActorId newId() {
        return new ActorId(NEXT.getAndIncrement());
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
