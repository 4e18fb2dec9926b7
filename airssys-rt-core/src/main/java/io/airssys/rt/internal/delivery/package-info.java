/**
 * Internal: everything between a send call and an actor's handler. The routing table
 * ({@link io.airssys.rt.internal.delivery.RoutingTable}), the mailbox that queues envelopes and
 * runs the actor, envelopes, broadcast gathering and counters. Not exported.
 *
 * <h2>The mailbox, layer by layer</h2>
 * One object per actor, a class hierarchy with one concern per class (read bottom-up):
 * {@link io.airssys.rt.internal.delivery.MailboxProducerFields} (fields producers write),
 * {@link io.airssys.rt.internal.delivery.MailboxColdFields} (write-once fields, the cache-line
 * gap), {@link io.airssys.rt.internal.delivery.MailboxConsumerFields} (fields the consumer
 * writes), {@link io.airssys.rt.internal.delivery.IntrusiveMpscQueue} (the Vyukov queue),
 * {@link io.airssys.rt.internal.delivery.PriorityLanes} (consumer-private lanes, seqlock),
 * {@link io.airssys.rt.internal.delivery.MailboxAdmission} (capacity and overflow),
 * {@link io.airssys.rt.internal.delivery.MailboxRunner} (status, run loop, close handshake),
 * {@link io.airssys.rt.internal.delivery.MpscMailbox} (the actor cell).
 *
 * <h2>Memory-access vocabulary</h2>
 * Fields shared between threads are accessed through {@link java.lang.invoke.VarHandle}s or
 * declared {@code volatile}; a method or comment names the mode where it matters
 * ({@code statusVolatile()}, {@code casStatus()}, {@code getAcquire}, {@code setRelease}, ...):
 * <ul>
 *   <li><b>plain</b>: no ordering; only for fields one thread owns (the consumer's head and
 *       lanes, its lifecycle flags);</li>
 *   <li><b>opaque</b>: no ordering, but no tearing and eventually visible (the seqlock's odd
 *       version, a cached copy of the consumer's count);</li>
 *   <li><b>acquire / release</b> ({@code getAcquire}, {@code setRelease}): publication of an
 *       object that was fully written before (a queue link, routing table slots, the in-flight
 *       envelope, the consumer's count);</li>
 *   <li><b>volatile / CAS / getAndSet</b>: where two threads must see each other's writes in a
 *       total order (the queue tail and the status word: the Dekker-style handshake that
 *       prevents lost wake-ups; the close flags).</li>
 * </ul>
 * Each non-obvious ordering has a {@code NOTE:} comment naming the race it prevents and the
 * test that covers it.
 */
package io.airssys.rt.internal.delivery;
