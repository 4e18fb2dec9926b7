/**
 * The dead letter queue: every message a broker could not deliver, with its target, reason
 * and timestamps; inspect, drain, listen, replay.
 */
package io.airssys.rt.deadletter;
