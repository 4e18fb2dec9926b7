/**
 * The vocabulary shared by every part of airssys-rt: {@link io.airssys.rt.Message} and
 * {@link io.airssys.rt.ActorId}. Brokers live in {@code broker}, mailboxes in {@code mailbox},
 * the actor runtime in {@code actor}.
 */
package io.airssys.rt;
