/**
 * The same workloads on Apache Pekko 1.7.0 (classic and typed, Java API), measured in the same
 * JMH run as airssys-rt so every figure has a side-by-side ratio.
 */
package io.airssys.rt.benchmarks.pekko;
