/**
 * JMH benchmarks of every performance figure in the broker API reference. Never deployed.
 */
package io.airssys.rt.benchmarks;
