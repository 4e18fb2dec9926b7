/**
 * The JSON {@link io.airssys.rt.spi.MessageCodec} on Jackson 3: registered types only, the class
 * chosen by the receiver from the stable type name, never from the payload.
 */
package io.airssys.rt.jackson;
