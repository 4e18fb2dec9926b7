/**
 * Instrumentation: hooks that see every message from its send to its outcome, for metrics,
 * tracing and flight recording, with nothing added to core's dependencies.
 *
 * <p>{@link io.airssys.rt.instrument.Instrumentation} is installed explicitly on the broker's
 * builder ({@code InMemoryMessageBroker.builder().instrumentation(...)}); there is no
 * {@code ServiceLoader} lookup. A broker without one pays a {@code null} check per send and per
 * message processed. Adapters live in their own modules: {@code airssys-rt-micrometer} (meters
 * and Micrometer Observation) and {@code airssys-rt-jfr} (JDK Flight Recorder events).
 */
package io.airssys.rt.instrument;
