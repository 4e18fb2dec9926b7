/**
 * Mailboxes: the per-actor queues a broker delivers into. Bounded or unbounded, many
 * producers, one consumer.
 */
package io.airssys.rt.mailbox;
