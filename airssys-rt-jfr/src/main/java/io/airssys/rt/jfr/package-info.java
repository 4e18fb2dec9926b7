/**
 * JDK Flight Recorder events for the broker: slow message processing, delivery failures, actor
 * lifecycle ({@link io.airssys.rt.jfr.FlightRecorderInstrumentation}) and periodic broker
 * statistics ({@link io.airssys.rt.jfr.BrokerStatistics}).
 *
 * <p>The event classes are not part of the API: recordings name them by their event names, listed
 * as constants on {@link io.airssys.rt.jfr.FlightRecorderInstrumentation} and in {@code docs/jfr.md}.
 */
package io.airssys.rt.jfr;
