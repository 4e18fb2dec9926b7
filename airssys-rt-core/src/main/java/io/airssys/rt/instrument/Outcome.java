package io.airssys.rt.instrument;

import io.airssys.rt.deadletter.DeadLetterReason;

import java.util.Locale;

/**
 * How one message ended, reported exactly once per message where it is retired
 * ({@link Instrumentation#onOutcome}).
 *
 * <p>Three outcomes mean the actor processed the message ({@link #REPLIED},
 * {@link #HANDLER_FAILED}, {@link #ABANDONED}); every other one is a dead letter and names its
 * {@link DeadLetterReason}. Together they mirror the broker's counters: {@link #REPLIED} is
 * counted as delivered, everything else as failed.
 */
public enum Outcome {
    /** Processed: the handler's result reached its sender, or nobody waited for it (fire-and-forget). */
    REPLIED(null),
    /** Processed: the handler threw, or the stage it returned failed. */
    HANDLER_FAILED(null),
    /**
     * Processed, but its sender had given up while the handler ran (a timeout, a cancellation or
     * a closing broker): the result was discarded.
     */
    ABANDONED(null),
    /** Not delivered: no actor under the target id ({@link DeadLetterReason#ACTOR_NOT_FOUND}). */
    ACTOR_NOT_FOUND(DeadLetterReason.ACTOR_NOT_FOUND),
    /** Not delivered: the actor stopped, or the broker closed ({@link DeadLetterReason#ACTOR_STOPPED}). */
    ACTOR_STOPPED(DeadLetterReason.ACTOR_STOPPED),
    /** Not delivered: a bounded mailbox was full ({@link DeadLetterReason#MAILBOX_FULL}). */
    MAILBOX_FULL(DeadLetterReason.MAILBOX_FULL),
    /** Not delivered: evicted from a full {@code DROP_OLDEST} mailbox ({@link DeadLetterReason#EVICTED}). */
    EVICTED(DeadLetterReason.EVICTED),
    /** Not delivered: its timeout passed before the actor started it ({@link DeadLetterReason#TIMED_OUT}). */
    TIMED_OUT(DeadLetterReason.TIMED_OUT),
    /** Not delivered: cancelled by its sender before it started ({@link DeadLetterReason#CANCELLED}). */
    CANCELLED(DeadLetterReason.CANCELLED),
    /** Not delivered: no actor subscribes to its topic ({@link DeadLetterReason#NO_SUBSCRIBER}). */
    NO_SUBSCRIBER(DeadLetterReason.NO_SUBSCRIBER),
    /** Not delivered: the actor has no handler for its type ({@link DeadLetterReason#UNHANDLED}). */
    UNHANDLED(DeadLetterReason.UNHANDLED),
    /** Not delivered: it came from another node and could not be decoded ({@link DeadLetterReason#UNDECODABLE}). */
    UNDECODABLE(DeadLetterReason.UNDECODABLE);

    private static final Outcome[] BY_REASON = new Outcome[DeadLetterReason.values().length];

    static {
        for (Outcome o : values()) {
            if (o.reason != null) {
                BY_REASON[o.reason.ordinal()] = o;
            }
        }
    }

    private final DeadLetterReason reason;
    private final String tag;

    Outcome(DeadLetterReason reason) {
        this.reason = reason;
        this.tag = name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the outcome of a message dead-lettered for {@code reason}.
     *
     * @param reason why it was not delivered
     * @return the outcome
     */
    public static Outcome of(DeadLetterReason reason) {
        return BY_REASON[reason.ordinal()];
    }

    /**
     * Returns why the message became a dead letter.
     *
     * @return the reason, or {@code null} if the actor processed it
     */
    public DeadLetterReason deadLetterReason() {
        return reason;
    }

    /**
     * Returns whether the actor processed the message (its handler ran).
     *
     * @return {@code true} for {@link #REPLIED}, {@link #HANDLER_FAILED} and {@link #ABANDONED}
     */
    public boolean processed() {
        return reason == null;
    }

    /**
     * Returns the name in lower case, for a metric tag ({@code "replied"}, {@code "mailbox_full"}).
     *
     * @return the tag value
     */
    public String tag() {
        return tag;
    }
}
