/**
 * The broker contracts, abstract JUnit 5 suites every broker implementation extends and must pass:
 * {@link io.airssys.rt.testkit.contract.MessageBrokerContract} (location-transparent, over a
 * {@link io.airssys.rt.testkit.contract.BrokerFixture} of one or more nodes) and
 * {@link io.airssys.rt.testkit.contract.LocalBrokerContract} (what one node alone can observe).
 */
package io.airssys.rt.testkit.contract;
