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
 * @param <P> the messages this mailbox is meant to hold (documentation only: the broker
 *            routes by actor id, and the attached actor checks the type of each message)
 */
public abstract sealed class Mailbox<P> permits MpscMailbox {

    /** Capacity reported by unbounded mailboxes. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /**
     * For the implementation only.
     */
    protected Mailbox() {
    }

    /**
     * Creates a mailbox that holds at most {@code capacity} messages; further sends fail with
     * {@link io.airssys.rt.broker.SendError#MAILBOX_FULL}.
     *
     * @param capacity the most messages queued at once, at least 1
     * @param <P>      the messages it is meant to hold
     * @return a new, unregistered mailbox
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public static <P> Mailbox<P> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("mailbox capacity must be at least 1, was " + capacity);
        }
        return new MpscMailbox<>(capacity);
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
     * Returns the number of messages waiting (a moment's estimate while others send).
     *
     * @return messages enqueued and not yet taken by the actor
     */
    public abstract int size();

    /**
     * Returns the id this mailbox was registered under.
     *
     * @return the id, or {@code null} before registration
     */
    public abstract ActorId actorId();

    /**
     * Returns whether the mailbox was closed (its actor unregistered or stopped).
     *
     * @return {@code true} once closed; a closed mailbox accepts nothing
     */
    public abstract boolean isClosed();
}
