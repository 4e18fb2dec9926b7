package io.airssys.rt;

/**
 * How urgent a message is (spec: {@code enum Priority}). A mailbox processes waiting messages
 * of a higher priority before those of a lower one; within one priority, messages from one
 * sender keep their order. {@link #NORMAL} is what every send without a priority uses.
 *
 * <p>Strict priority can starve lower priorities under a steady stream of higher ones; a
 * mailbox built with {@link io.airssys.rt.mailbox.Mailbox.Builder#starvationLimit(int)} bounds
 * that (see there).
 */
public enum Priority {
    /** Background work. */
    LOW,
    /** The default. */
    NORMAL,
    /** Ahead of normal traffic. */
    HIGH,
    /** Ahead of everything else (shutdown, health checks). */
    CRITICAL
}
