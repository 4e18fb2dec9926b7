/**
 * Testing tools: a {@link io.airssys.rt.testkit.ManualExecutor} and a
 * {@link io.airssys.rt.testkit.ManualScheduler} for deterministic tests, and the
 * {@code contract} suite every {@link io.airssys.rt.broker.MessageBroker} must pass.
 */
package io.airssys.rt.testkit;
