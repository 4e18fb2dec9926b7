/**
 * The actor runtime: {@link io.airssys.rt.actor.Actor}s with compiler-checked replies,
 * {@link io.airssys.rt.actor.Behaviors} to build them from handlers, and the
 * {@link io.airssys.rt.actor.ActorSystem} that runs them on an executor.
 */
package io.airssys.rt.actor;
