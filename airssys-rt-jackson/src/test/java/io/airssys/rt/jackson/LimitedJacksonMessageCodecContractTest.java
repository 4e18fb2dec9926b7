package io.airssys.rt.jackson;

import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.airssys.rt.testkit.codec.MessageCodecContract;

/**
 * The JSON codec with a size limit (NATS's default max_payload, 1 MiB) and a customizer, against
 * the codec contract: neither may change what crosses below the limit.
 */
class LimitedJacksonMessageCodecContractTest extends MessageCodecContract {

    @Override
    protected MessageCodec newCodec(MessageTypes types) {
        return JacksonMessageCodec.builder(types)
                .maxEncodedBytes(1024 * 1024)
                .customize(b -> b.findAndAddModules())
                .build();
    }
}
