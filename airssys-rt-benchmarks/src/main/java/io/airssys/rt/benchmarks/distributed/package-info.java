/**
 * The distributed broker ({@code DistributedMessageBroker}) on a local 3-server NATS cluster, each
 * figure beside raw jnats doing the same thing on the same cluster. Needs {@code nats-server}.
 */
package io.airssys.rt.benchmarks.distributed;
