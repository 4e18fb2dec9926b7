/**
 * Test infrastructure: real {@code nats-server} processes (one server or a JetStream cluster) on free
 * loopback ports, and the JUnit 5 extension {@link io.airssys.rt.nats.testing.WithNatsCluster} that runs one
 * cluster per test class.
 */
package io.airssys.rt.nats.testing;
