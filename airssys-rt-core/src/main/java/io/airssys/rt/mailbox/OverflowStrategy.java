package io.airssys.rt.mailbox;

/**
 * What a bounded mailbox does with a message that arrives when it is full. Whatever is
 * dropped or rejected is counted as failed and goes to the broker's dead letter queue.
 */
public enum OverflowStrategy {
    /**
     * Refuse the new message: {@code trySend} throws and {@code send} fails with
     * {@code MAILBOX_FULL}. The default.
     */
    FAIL,
    /**
     * Drop the new message: {@code trySend} returns normally (the message is dead-lettered),
     * {@code send} fails with {@code MAILBOX_FULL}.
     */
    DROP_NEWEST,
    /**
     * Make room: evict the oldest waiting message of the lowest waiting priority (its sender's
     * future fails with {@code MAILBOX_FULL}, reason {@code EVICTED}) and accept the new one.
     */
    DROP_OLDEST,
    /**
     * Let the sender wait for room, asynchronously: {@code send} returns at once and its
     * message enters the mailbox when room frees, in arrival order, or fails with
     * {@code TIMEOUT} when its timeout passes first. No thread blocks. {@code trySend}, which
     * must never wait, fails with {@code MAILBOX_FULL} instead.
     */
    BLOCK
}
