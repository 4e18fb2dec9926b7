package io.airssys.rt.nats;

import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.airssys.rt.nats.NatsSmokeChecks.assertKvCreateHasOneWinnerPerKey;
import static io.airssys.rt.nats.NatsSmokeChecks.assertRequestReplyAcross;
import static org.assertj.core.api.Assertions.assertThat;

/** The test infrastructure on a real 3-server JetStream cluster, checked with plain jnats. */
@WithNatsCluster(servers = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NatsClusterSmokeTest {

    static NatsCluster cluster;

    @Test
    @Order(1)
    void threeServersOnDistinctLoopbackPortsAreUp() {
        assertThat(cluster.size()).isEqualTo(3);
        assertThat(cluster.urls()).doesNotHaveDuplicates().allMatch(url -> url.startsWith("nats://127.0.0.1:"));
        for (int i = 0; i < 3; i++) {
            assertThat(cluster.isRunning(i)).isTrue();
            assertThat(cluster.logFile(i)).exists().startsWith(cluster.logDirectory());
        }
        System.out.println("3-server cluster " + cluster.name() + " started in " + cluster.startupDuration().toMillis()
                + " ms");
    }

    @Test
    @Order(2)
    void aRequestCrossesFromOneServerToAnother() throws Exception {
        try (NatsClients clients = cluster.connect(0, 1, 2)) {
            assertRequestReplyAcross(clients.get(0), clients.get(1));
            assertRequestReplyAcross(clients.get(2), clients.get(0));
        }
    }

    @Test
    @Order(3)
    void kvCreateWithReplicas3RacedFromEveryServerHasExactlyOneWinnerPerKey() throws Exception {
        try (NatsClients oneOnEachServer = cluster.connect(0, 1, 2)) {
            assertKvCreateHasOneWinnerPerKey(oneOnEachServer.all(), 3, 200);
        }
    }

    @Test
    @Order(4)
    void aClientOfAKilledServerReconnectsToAnotherAndTheRestartedServerRejoins() throws Exception {
        CountDownLatch reconnected = new CountDownLatch(1);
        ConnectionListener listener = (connection, event) -> {
            if (event == ConnectionListener.Events.RECONNECTED) {
                reconnected.countDown();
            }
        };
        try (NatsClients clients = NatsClients.connect(cluster.clientOptions().connectionListener(listener)
                .reconnectWait(Duration.ofMillis(50)).maxReconnects(-1).connectionTimeout(Duration.ofSeconds(2))
                .build())) {
            Connection client = clients.get(0);
            int killed = cluster.indexOf(client.getConnectedUrl());
            int other = (killed + 1) % 3;
            long killedAt = System.nanoTime();
            cluster.kill(killed);
            try {
                assertThat(cluster.isRunning(killed)).isFalse();
                assertThat(reconnected.await(10, TimeUnit.SECONDS)).as("reconnected within 10 s").isTrue();
                System.out.println("reconnected " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)
                        + " ms after the kill of server " + killed);
                assertThat(cluster.indexOf(client.getConnectedUrl())).isNotEqualTo(killed);
                try (NatsClients responder = cluster.connect(other)) {
                    assertRequestReplyAcross(responder.get(0), client);
                }
            } finally {
                long restartAt = System.nanoTime();
                cluster.restart(killed);
                System.out.println("server " + killed + " back in the cluster "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt) + " ms after restart()");
            }
            assertThat(cluster.isRunning(killed)).isTrue();
            try (NatsClients onRestarted = cluster.connect(killed)) {
                assertRequestReplyAcross(onRestarted.get(0), client);
            }
        }
    }
}
