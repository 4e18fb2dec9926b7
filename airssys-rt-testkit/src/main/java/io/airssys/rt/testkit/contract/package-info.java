/**
 * The {@link io.airssys.rt.broker.MessageBroker} contract: an abstract JUnit 5 suite that
 * every broker implementation (in-memory, distributed) extends and must pass.
 */
package io.airssys.rt.testkit.contract;
