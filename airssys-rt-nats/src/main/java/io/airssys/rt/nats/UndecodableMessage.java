package io.airssys.rt.nats;

import io.airssys.rt.Message;

/**
 * Stands in, in this node's dead letter queue ({@link io.airssys.rt.deadletter.DeadLetterReason#UNDECODABLE}),
 * for a message that arrived from another node and could not be decoded here.
 *
 * @param typeName the type name the sender gave
 * @param bytes    how many bytes the message had
 * @param error    why it did not decode
 */
public record UndecodableMessage(String typeName, int bytes, String error) implements Message<Void> {
}
