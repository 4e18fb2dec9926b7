/**
 * Micrometer for airssys-rt: {@link io.airssys.rt.micrometer.MicrometerInstrumentation} (timers,
 * outcome counters and observations per message, installed on the broker's builder) and
 * {@link io.airssys.rt.micrometer.BrokerMeterBinder} (the broker's own counters and dead letters).
 */
package io.airssys.rt.micrometer;
