package io.airssys.rt.jackson;

import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.airssys.rt.testkit.codec.MessageCodecContract;

/** The JSON codec, with its default settings, against the codec contract. */
class JacksonMessageCodecContractTest extends MessageCodecContract {

    @Override
    protected MessageCodec newCodec(MessageTypes types) {
        return JacksonMessageCodec.of(types);
    }
}
