/**
 * {@link io.airssys.rt.nats.DistributedMessageBroker}: the {@link io.airssys.rt.broker.MessageBroker}
 * API across JVMs, on a NATS cluster.
 */
package io.airssys.rt.nats;
