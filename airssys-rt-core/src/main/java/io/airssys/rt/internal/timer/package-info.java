/**
 * Internal: request timeouts on a hashed timing wheel ({@link io.airssys.rt.internal.timer.TimeoutWheel}),
 * O(1) to schedule and to cancel, driven by ticks on a {@code ScheduledExecutorService}. Not exported.
 *
 * <h2>Memory-access vocabulary</h2>
 * As in {@code io.airssys.rt.internal.delivery}: <b>plain</b> for fields one thread owns (the
 * buckets, owned by whoever holds the wheel's lock), <b>volatile / CAS</b> where threads must
 * see each other's writes in one total order (the inbox and cancel stacks, a timeout's state,
 * the wake word). Each non-obvious ordering has a {@code NOTE:} comment naming the race.
 */
package io.airssys.rt.internal.timer;
