/**
 * Message brokers: the {@link io.airssys.rt.broker.MessageBroker} contract, the embedded
 * {@link io.airssys.rt.broker.InMemoryMessageBroker}, typed errors and metrics.
 */
package io.airssys.rt.broker;
