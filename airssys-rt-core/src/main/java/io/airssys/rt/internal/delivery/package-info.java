/**
 * Internal: everything between a send call and an actor's handler. The routing table
 * ({@link io.airssys.rt.internal.delivery.RoutingTable}), the mailbox that queues envelopes and
 * runs the actor ({@link io.airssys.rt.internal.delivery.MpscMailbox}), envelopes, broadcast
 * gathering and counters. Not exported.
 *
 * <h2>Memory-access vocabulary</h2>
 * Fields shared between threads are accessed through {@link java.lang.invoke.VarHandle}s or
 * declared {@code volatile}; a method or comment names the mode where it matters:
 * <ul>
 *   <li><b>plain</b>: no ordering; only for fields one thread owns (the consumer's private queue);</li>
 *   <li><b>acquire / release</b> ({@code getAcquire}, {@code setRelease}): publication of an
 *       object that was fully written before (routing table slots, the in-flight envelope);</li>
 *   <li><b>volatile / CAS</b>: where two threads must see each other's writes in a total order
 *       (the producers' stack and the mailbox status: the Dekker-style handshake that prevents
 *       lost wake-ups).</li>
 * </ul>
 * Each non-obvious ordering has a {@code NOTE:} comment naming the race it prevents.
 */
package io.airssys.rt.internal.delivery;
