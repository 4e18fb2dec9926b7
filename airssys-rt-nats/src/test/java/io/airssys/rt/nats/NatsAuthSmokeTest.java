package io.airssys.rt.nats;

import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static io.airssys.rt.nats.NatsSmokeChecks.assertRequestReplyAcross;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Test servers that require a user and password (or a token): their clientOptions carry them, a bare client is
 * refused, and the logs show the credentials masked.
 */
@WithNatsCluster(user = "smoke", password = "pa55-w0rd-smoke")
class NatsAuthSmokeTest {

    @Test
    void clientOptionsLogInAndAClientWithoutCredentialsIsRefused(NatsCluster cluster) throws Exception {
        try (NatsClients clients = cluster.connect(0, 0)) {
            assertRequestReplyAcross(clients.get(0), clients.get(1));
        }
        Options bare = Options.builder().server(cluster.url(0)).connectionTimeout(Duration.ofSeconds(1))
                .maxReconnects(0).build();
        assertThatThrownBy(() -> NatsClients.connect(bare).close())
                .hasStackTraceContaining("Authorization Violation");
    }

    @Test
    void aTokenClusterAcceptsItsClientOptionsAndRefusesABareClient() throws Exception {
        try (NatsCluster tokenCluster = NatsCluster.builder().name("token").token("t0ken-smoke").start()) {
            try (NatsClients clients = tokenCluster.connect(0, 0)) {
                assertRequestReplyAcross(clients.get(0), clients.get(1));
            }
            Options bare = Options.builder().server(tokenCluster.url(0)).connectionTimeout(Duration.ofSeconds(1))
                    .maxReconnects(0).build();
            assertThatThrownBy(() -> NatsClients.connect(bare).close())
                    .hasStackTraceContaining("Authorization Violation");
            assertThat(Files.readString(tokenCluster.logFile(0))).contains("--auth ******").doesNotContain("t0ken-smoke");
        }
    }

    @Test
    void thePasswordIsNotInTheLog(NatsCluster cluster) throws Exception {
        String log = Files.readString(cluster.logFile(0));
        assertThat(log).contains("--user smoke --pass ******").doesNotContain("pa55-w0rd-smoke");
    }
}
