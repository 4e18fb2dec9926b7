/**
 * Service provider interfaces: what another broker implementation (for example one that spans
 * several JVMs) plugs into or reuses, without access to the {@code internal} packages.
 *
 * <ul>
 *   <li>{@link io.airssys.rt.spi.ActorDirectory}: where each actor lives (a mailbox in this JVM
 *       or another node), in registration order. The in-memory broker's routing table is its
 *       local implementation ({@link io.airssys.rt.broker.BrokerNode#directory()}).</li>
 *   <li>{@link io.airssys.rt.spi.MessageCodec}: how messages, replies and typed errors become
 *       bytes, with stable type names from an allow-list ({@link io.airssys.rt.spi.MessageTypes});
 *       never Java serialization.</li>
 *   <li>{@link io.airssys.rt.spi.DeliveryFailure}: every {@link io.airssys.rt.broker.DeliveryException}
 *       as plain data, so a failure on one node is the same typed exception on another.</li>
 * </ul>
 */
package io.airssys.rt.spi;
