package io.airssys.rt.nats;

import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.spi.MessageCodec;
import io.nats.client.Connection;

import java.time.Duration;

/**
 * What {@link DistributedMessageBroker.Builder} collected, checked, handed to {@link NodeWiring}
 * as one value.
 *
 * @param instrumentation the node's hooks, or {@code null} for none
 */
record NodeSettings(Connection connection, boolean ownsConnection, MessageCodec codec, String prefix, int replicas,
                    Duration defaultTimeout, Duration registryPatience, Duration heartbeat, Duration deadAfter,
                    Instrumentation instrumentation) {
}
