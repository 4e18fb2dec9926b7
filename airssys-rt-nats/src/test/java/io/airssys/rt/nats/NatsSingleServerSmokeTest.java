package io.airssys.rt.nats;

import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.airssys.rt.nats.NatsSmokeChecks.assertKvCreateHasOneWinnerPerKey;
import static io.airssys.rt.nats.NatsSmokeChecks.assertRequestReplyAcross;
import static org.assertj.core.api.Assertions.assertThat;

/** The test infrastructure on one real nats-server with JetStream, checked with plain jnats. */
@WithNatsCluster
class NatsSingleServerSmokeTest {

    static NatsCluster cluster;

    @Test
    void theClusterIsInjectedIntoStaticFieldsAndParameters(NatsCluster parameter) {
        assertThat(parameter).isSameAs(cluster);
        assertThat(cluster.size()).isEqualTo(1);
        assertThat(cluster.urls()).singleElement().asString().startsWith("nats://127.0.0.1:");
        System.out.println("1-server cluster " + cluster.name() + " started in " + cluster.startupDuration().toMillis()
                + " ms");
    }

    @Test
    void aRequestIsAnsweredAcrossTwoConnections() throws Exception {
        try (NatsClients clients = cluster.connect(0, 0)) {
            assertRequestReplyAcross(clients.get(0), clients.get(1));
        }
    }

    @Test
    void kvCreateRacedByThreeConnectionsHasExactlyOneWinnerPerKey() throws Exception {
        try (NatsClients three = cluster.connect(0, 0, 0)) {
            assertKvCreateHasOneWinnerPerKey(three.all(), 1, 200);
        }
    }

    @Test
    void aRestartedServerKeepsItsUrlAndJetStreamDataAndItsClientsReconnect() throws Exception {
        CountDownLatch reconnected = new CountDownLatch(1);
        ConnectionListener listener = (connection, event) -> {
            if (event == ConnectionListener.Events.RECONNECTED) {
                reconnected.countDown();
            }
        };
        String url = cluster.url(0);
        String bucket = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        try (NatsClients clients = NatsClients.connect(cluster.clientOptions().connectionListener(listener)
                .reconnectWait(Duration.ofMillis(50)).maxReconnects(-1).build())) {
            Connection client = clients.get(0);
            client.keyValueManagement().create(KeyValueConfiguration.builder()
                    .name(bucket).storageType(StorageType.File).build());
            client.keyValue(bucket).put("survives", "yes");

            cluster.restart(0);

            assertThat(reconnected.await(10, TimeUnit.SECONDS)).as("reconnected within 10 s").isTrue();
            assertThat(cluster.url(0)).isEqualTo(url);
            KeyValue kv = client.keyValue(bucket);
            assertThat(kv.get("survives").getValueAsString()).isEqualTo("yes");
            client.keyValueManagement().delete(bucket);
        }
    }

    /** A nested class shares its enclosing class's server: no second one is started. */
    @Nested
    class NestedClassesShareIt {
        NatsCluster instanceField;

        @Test
        void sharesTheEnclosingClassesServer() {
            assertThat(instanceField).isSameAs(cluster);
        }
    }
}
