package io.airssys.rt.mailbox;

import io.airssys.rt.ActorId;
import io.airssys.rt.internal.delivery.MpscMailbox;

/**
 * The queue of messages waiting for one actor (spec: {@code Mailbox<A>}).
 *
 * <p>Any number of threads may enqueue; one actor at a time consumes. Messages from one
 * sender thread are processed in the order they were sent. A mailbox is registered with one
 * broker under one id ({@code broker.register(id, mailbox)}), and an actor is attached to it
 * with {@link io.airssys.rt.actor.ActorSystem#attach}; messages sent before the actor is
 * attached wait in the mailbox. Once unregistered the mailbox is closed for good.
 *
 * <p>An idle mailbox holds no queue storage: nodes are the messages' own envelopes.
 *
 * <p>Capacity: a bounded mailbox holds 1 to {@link #MAX_CAPACITY} messages, whether made with
 * {@link #bounded(int)} or {@link Builder#capacity(int)}; any other value throws
 * {@link IllegalArgumentException} naming it. {@link #UNBOUNDED} ({@code Integer.MAX_VALUE}) is
 * not a bound but what an unbounded mailbox reports as its capacity, so it is refused as one
 * rather than silently giving an unbounded mailbox.
 *
 * @param <P> the messages this mailbox is meant to hold (documentation only: the broker
 *            routes by actor id, and the attached actor checks the type of each message)
 */
public abstract sealed class Mailbox<P> permits io.airssys.rt.internal.delivery.MailboxProducerFields {

    /** Capacity reported by unbounded mailboxes ({@code Integer.MAX_VALUE}); not a valid bound. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /** The largest bound a mailbox takes: {@code Integer.MAX_VALUE - 1}. */
    public static final int MAX_CAPACITY = UNBOUNDED - 1;

    /**
     * For the implementation only.
     */
    protected Mailbox() {
    }

    /**
     * Creates a mailbox that holds at most {@code capacity} messages; further sends fail with
     * {@link io.airssys.rt.broker.SendError#MAILBOX_FULL}.
     *
     * @param capacity the most messages queued at once, 1 to {@link #MAX_CAPACITY}
     * @param <P>      the messages it is meant to hold
     * @return a new, unregistered mailbox; {@link #isBounded()} is {@code true}
     * @throws IllegalArgumentException if {@code capacity} is outside 1 to {@link #MAX_CAPACITY}
     */
    public static <P> Mailbox<P> bounded(int capacity) {
        return new MpscMailbox<>(checkCapacity(capacity));
    }

    /** The one capacity rule, shared by {@link #bounded} and {@link Builder#capacity}. */
    private static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("mailbox capacity must be between 1 and " + MAX_CAPACITY
                    + ", was " + capacity + (capacity == UNBOUNDED
                    ? " (Integer.MAX_VALUE is Mailbox.UNBOUNDED: use Mailbox.unbounded() for no bound)" : ""));
        }
        return capacity;
    }

    /**
     * Creates a mailbox that never rejects a message.
     *
     * @param <P> the messages it is meant to hold
     * @return a new, unregistered mailbox
     */
    public static <P> Mailbox<P> unbounded() {
        return new MpscMailbox<>(UNBOUNDED);
    }

    /**
     * Starts a builder for a mailbox with an overflow strategy or a starvation limit.
     *
     * <pre>{@code
     * Mailbox<Job> jobs = Mailbox.builder().capacity(100).overflow(OverflowStrategy.DROP_OLDEST).build();
     * }</pre>
     *
     * @return a builder: unbounded, {@link OverflowStrategy#FAIL}, strict priority
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns what happens to a message that arrives when the mailbox is full.
     *
     * @return the strategy ({@link OverflowStrategy#FAIL} for unbounded mailboxes)
     */
    public abstract OverflowStrategy overflow();

    /**
     * Returns how many higher-priority messages may be processed in a row while an older,
     * lower-priority one waits; 0 means strict priority.
     *
     * @return the limit
     */
    public abstract int starvationLimit();

    /**
     * Returns the most messages this mailbox holds at once.
     *
     * @return the capacity, or {@link #UNBOUNDED}
     */
    public abstract int capacity();

    /**
     * Returns whether the capacity is finite.
     *
     * @return {@code capacity() != UNBOUNDED}
     */
    public final boolean isBounded() {
        return capacity() != UNBOUNDED;
    }

    /**
     * Returns the number of messages waiting: enqueued and not yet taken by the actor (the one it
     * is processing does not count). A bounded mailbox keeps a count and answers in O(1). An
     * unbounded one keeps no counter (that would cost every send a shared write): it counts the
     * waiting messages, O(n), exactly when nothing is sent or taken meanwhile and as a moment's
     * estimate otherwise. Meant for monitoring and tests, not for a hot path.
     *
     * @return messages waiting
     */
    public abstract int size();

    /**
     * Returns the id this mailbox was registered under.
     *
     * @return the id, or {@code null} before registration
     */
    public abstract ActorId actorId();

    /** Configures a {@link Mailbox}; each option may be set once. */
    public static final class Builder {
        private int capacity = UNBOUNDED;
        private OverflowStrategy overflow = OverflowStrategy.FAIL;
        private int starvationLimit;
        private boolean capacitySet;
        private boolean overflowSet;
        private boolean limitSet;

        private Builder() {
        }

        /**
         * Bounds the mailbox (unset: unbounded).
         *
         * @param messages the most messages waiting at once, 1 to {@link Mailbox#MAX_CAPACITY}
         * @return this builder
         * @throws IllegalArgumentException if {@code messages} is outside 1 to {@link Mailbox#MAX_CAPACITY}
         * @throws IllegalStateException    if the capacity was already set
         */
        public Builder capacity(int messages) {
            checkCapacity(messages);
            capacitySet = once(capacitySet, "capacity");
            this.capacity = messages;
            return this;
        }

        /**
         * Sets what happens when the bounded mailbox is full (default {@link OverflowStrategy#FAIL}).
         *
         * @param strategy the strategy; anything but FAIL needs a {@link #capacity}
         * @return this builder
         */
        public Builder overflow(OverflowStrategy strategy) {
            java.util.Objects.requireNonNull(strategy, "strategy");
            overflowSet = once(overflowSet, "overflow");
            this.overflow = strategy;
            return this;
        }

        /**
         * Bounds starvation of lower priorities: after {@code messages} higher-priority messages
         * in a row while a lower-priority one waits, the oldest waiting message is processed
         * next, whatever its priority. 0 (the default) means strict priority.
         *
         * @param messages at least 0
         * @return this builder
         */
        public Builder starvationLimit(int messages) {
            if (messages < 0) {
                throw new IllegalArgumentException("starvationLimit must be at least 0, was " + messages);
            }
            limitSet = once(limitSet, "starvationLimit");
            this.starvationLimit = messages;
            return this;
        }

        /**
         * Builds the mailbox.
         *
         * @param <P> the messages it is meant to hold
         * @return a new, unregistered mailbox
         * @throws IllegalArgumentException if an overflow strategy other than FAIL has no capacity
         */
        public <P> Mailbox<P> build() {
            if (overflow != OverflowStrategy.FAIL && !capacitySet) {
                throw new IllegalArgumentException("overflow strategy " + overflow
                        + " needs a bounded mailbox: set capacity(n) too");
            }
            return new MpscMailbox<>(capacity, overflow, starvationLimit);
        }

        private static boolean once(boolean alreadySet, String option) {
            if (alreadySet) {
                throw new IllegalStateException(option + " was already set");
            }
            return true;
        }
    }

    /**
     * Returns whether the mailbox was closed (its actor unregistered or stopped).
     *
     * @return {@code true} once closed; a closed mailbox accepts nothing
     */
    public abstract boolean isClosed();
}
