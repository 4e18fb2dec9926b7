/**
 * Runnable versions of every example in the broker API reference; {@link io.airssys.rt.examples.Demo}
 * runs them all.
 */
package io.airssys.rt.examples;
