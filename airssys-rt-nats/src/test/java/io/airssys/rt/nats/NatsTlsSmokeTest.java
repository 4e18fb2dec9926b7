package io.airssys.rt.nats;

import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import static io.airssys.rt.nats.NatsSmokeChecks.assertRequestReplyAcross;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that requires TLS with client certificates and a user/password: the cluster's clientOptions get
 * in; a client lacking any one of TLS, the client certificate or the credentials is refused.
 */
@WithNatsCluster(mutualTls = true, user = "tls-user", password = "tls-pa55word")
class NatsTlsSmokeTest {

    static NatsCluster cluster;

    @Test
    void clientOptionsConnectWithTlsAClientCertificateAndCredentials() throws Exception {
        try (NatsClients clients = cluster.connect(0, 0)) {
            assertThat(clients.get(0).getServerInfo().isTLSRequired()).isTrue();
            assertRequestReplyAcross(clients.get(0), clients.get(1));
        }
    }

    @Test
    void aClientWithoutTlsIsRefused() {
        assertRefused(bare().userInfo("tls-user".toCharArray(), "tls-pa55word".toCharArray()), "Unable to connect");
    }

    @Test
    void aClientWithoutAClientCertificateIsRefused() {
        assertRefused(bare().userInfo("tls-user".toCharArray(), "tls-pa55word".toCharArray())
                .sslContext(cluster.certificates().clientContext(false)), "Unable to connect");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(Files.readString(cluster.logFile(0))).contains("client didn't provide a certificate"));
    }

    @Test
    void aClientWithTlsButWithoutCredentialsIsRefused() {
        assertRefused(bare().sslContext(cluster.certificates().clientContext(true)), "Authorization Violation");
    }

    @Test
    void thePasswordIsNotInTheLog() throws Exception {
        assertThat(Files.readString(cluster.logFile(0))).contains("--tlsverify").doesNotContain("tls-pa55word");
    }

    /**
     * A client with nothing of the cluster's security. jnats reports a refusal such as "Authorization
     * Violation" only after the connection timeout: 2 s, so that a slow TLS handshake on a loaded machine is
     * not mistaken for it.
     */
    private static Options.Builder bare() {
        return Options.builder().server(cluster.url(0)).connectionTimeout(Duration.ofSeconds(2)).maxReconnects(0);
    }

    private static void assertRefused(Options.Builder options, String why) {
        assertThatThrownBy(() -> NatsClients.connect(options.build()).close())
                .isInstanceOf(IOException.class).hasMessageContaining(why);
    }
}
