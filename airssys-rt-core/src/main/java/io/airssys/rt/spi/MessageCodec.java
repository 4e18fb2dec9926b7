package io.airssys.rt.spi;

/**
 * Turns messages, replies and delivery failures into bytes and back, for a broker whose
 * messages leave the JVM.
 *
 * <p>A codec only handles types on its allow-list, {@link #types()}: each has a stable name that
 * travels beside the bytes (for example in a transport header), so the receiver knows what to
 * decode without trusting a class name from the wire. Java serialization is never used: it
 * would let any class on the receiver's class path be instantiated from the network.
 *
 * <p>A send carries {@code types().nameOf(message)} and {@code encode(message)}; the
 * receiver calls {@code decode(name, bytes)}. The reply goes back the same way (a {@code null}
 * reply, from a {@code Message<Void>}, has the name {@link MessageTypes#NULL}). A failure goes
 * back as a {@link DeliveryFailure}, which every codec must handle, so the caller on the other
 * node sees the same typed {@link io.airssys.rt.broker.DeliveryException}.
 *
 * <p>Implementations are thread-safe. Every failure is a {@link CodecException}; nothing is
 * silently dropped or turned into {@code null}.
 */
public interface MessageCodec {

    /**
     * Returns the types this codec carries, with their stable names.
     *
     * @return the allow-list
     */
    MessageTypes types();

    /**
     * Encodes a message, a reply value, or a {@link DeliveryFailure}.
     *
     * @param value the value; {@code null} encodes the {@link MessageTypes#NULL} reply
     * @return its bytes
     * @throws CodecException {@link CodecException.Reason#UNKNOWN_TYPE} if its class is not in
     *                        {@link #types()}, {@link CodecException.Reason#ENCODE_FAILED} if it
     *                        cannot be written
     */
    byte[] encode(Object value);

    /**
     * Decodes what {@link #encode} wrote for a value of the named type.
     *
     * @param typeName the value's registered name, as the sender sent it
     * @param bytes    the bytes
     * @return the value ({@code null} for {@link MessageTypes#NULL})
     * @throws CodecException {@link CodecException.Reason#UNKNOWN_TYPE} if the name is not
     *                        registered here, {@link CodecException.Reason#DECODE_FAILED} if the
     *                        bytes do not make a value of that type
     */
    Object decode(String typeName, byte[] bytes);
}
