package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Echo;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Broker nodes on servers that require credentials, and TLS with client certificates (issue 11,
 * "Security"): credentials and the TLS context given
 * through jnats {@link Options} work; a client without them is refused; and no credential appears
 * in what the test captured of the logs (every {@code java.util.logging} record, where
 * {@link System.Logger} and jnats log here), in the nats-server log, or in any exception message
 * the broker produced, including on its failure paths (unknown actor, duplicate registration,
 * unregistered type, a node that exited, a node that starts on a closed connection).
 */
@WithNatsCluster(user = "airssys", password = SecureClusterTest.PASSWORD)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SecureClusterTest {

    static final String PASSWORD = "pw-Zq83vT0-secure";
    private static final String TOKEN = "tok-Kx72pR5-secure";

    static NatsCluster cluster;

    @Test
    void nodesLogInWithAUserAndPasswordABareClientIsRefusedAndThePasswordLeaksNowhere() throws Exception {
        List<String> messages = new ArrayList<>();
        try (CapturedLogs logs = new CapturedLogs("io.airssys.rt.nats", "io.nats")) {
            exercise(cluster, messages);
            refused(Options.builder().server(cluster.url(0)), "Authorization Violation", messages);
            refused(Options.builder().server(cluster.url(0)).userInfo("airssys", "wrong-password"),
                    "Authorization Violation", messages);
            assertNoLeak(PASSWORD, logs, messages, cluster);
        }
    }

    @Test
    void nodesLogInWithATokenABareClientIsRefusedAndTheTokenLeaksNowhere() throws Exception {
        List<String> messages = new ArrayList<>();
        try (NatsCluster tokenCluster = NatsCluster.builder().name("secure-token").token(TOKEN).start();
             CapturedLogs logs = new CapturedLogs("io.airssys.rt.nats", "io.nats")) {
            exercise(tokenCluster, messages);
            refused(Options.builder().server(tokenCluster.url(0)), "Authorization Violation", messages);
            assertNoLeak(TOKEN, logs, messages, tokenCluster);
        }
    }

    @Test
    void nodesConnectOverMutualTlsWithCredentialsAClientWithoutTlsIsRefusedAndNothingLeaks() throws Exception {
        List<String> messages = new ArrayList<>();
        try (NatsCluster tlsCluster = NatsCluster.builder().name("secure-tls").mutualTls()
                .userPassword("airssys", PASSWORD).start();
             CapturedLogs logs = new CapturedLogs("io.airssys.rt.nats", "io.nats")) {
            exercise(tlsCluster, messages); // the TLS context and the client certificate come with its client options
            refused(Options.builder().server(tlsCluster.url(0)).userInfo("airssys", PASSWORD), "Unable to connect",
                    messages);
            refused(Options.builder().server(tlsCluster.url(0))
                    .sslContext(tlsCluster.certificates().clientContext(true)), "Authorization Violation", messages);
            assertNoLeak(PASSWORD, logs, messages, tlsCluster);
        }
    }

    /** Two nodes on {@code on} (credentials through its client options): a request across, then the failure paths. */
    private static void exercise(NatsCluster on, List<String> messages) throws Exception {
        try (FaultNodes nodes = new FaultNodes(on)) {
            FaultNodes.Node a = nodes.start(nodes.preferring(0), NatsNodes.contractCodec(), b -> b);
            FaultNodes.Node b = nodes.start(nodes.preferring(0), NatsNodes.contractCodec(), s -> s);
            FaultWorker worker = new FaultWorker();
            ActorId actor = b.system().spawn(worker.behavior()).id();
            assertThat(a.broker().send(actor, new Echo("secure")).get(20, TimeUnit.SECONDS)).isEqualTo("secure");

            collect(messages, () -> a.broker().send(ActorId.of(424_242L), new Echo("nobody")).get(20, TimeUnit.SECONDS));
            collect(messages, () -> {
                a.broker().register(actor, Mailbox.unbounded());
                return null;
            });
            collect(messages, () -> {
                a.broker().trySend(actor, new CodecAcrossTheWireTest.NowhereTell("?"));
                return null;
            });
            b.connection().close(); // node b exits
            collect(messages, () -> a.broker().send(actor, new Echo("gone"), Duration.ofSeconds(2))
                    .get(20, TimeUnit.SECONDS));
            collect(messages, () -> nodes.start(nodes.preferring(0), NatsNodes.contractCodec(), s -> s)
                    .broker().send(actor, new Echo("?")).get(20, TimeUnit.SECONDS)); // works: a third node
            collect(messages, () -> { // a broker closing on a connection that is gone: its warnings are logged
                b.broker().close();
                return null;
            });
            collect(messages, () -> b.broker().send(actor, new Echo("closed")).get(20, TimeUnit.SECONDS));
            collect(messages, () -> DistributedMessageBroker.builder(b.connection(), NatsNodes.contractCodec()).start());
        }
        assertThat(messages).as("failures collected").hasSizeGreaterThanOrEqualTo(5);
    }

    private static void refused(Options.Builder options, String why, List<String> messages) {
        assertThatThrownBy(() -> NatsClients.connect(options.connectionTimeout(Duration.ofSeconds(2)).maxReconnects(0)
                .build()).close())
                .hasStackTraceContaining(why)
                .satisfies(t -> messages.add(chain(t)));
    }

    /** Runs {@code call}; if it throws (directly or through a future), keeps every message of the chain. */
    private static void collect(List<String> messages, java.util.concurrent.Callable<?> call) throws InterruptedException {
        try {
            call.call();
        } catch (ExecutionException e) {
            messages.add(chain(e.getCause()));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            messages.add(chain(e));
        }
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" | ");
            for (Throwable s : c.getSuppressed()) {
                b.append("suppressed ").append(s).append(" | ");
            }
        }
        return b.toString();
    }

    private static void assertNoLeak(String secret, CapturedLogs logs, List<String> messages, NatsCluster on)
            throws Exception {
        System.out.println("SecureClusterTest: " + logs.lines().size() + " log lines and " + messages.size()
                + " exception chains checked; e.g. " + messages.stream().filter(m -> m.contains(BrokerException.class
                .getSimpleName())).findFirst().orElse("-"));
        assertThat(messages).as("exception messages").noneMatch(m -> m.contains(secret));
        assertThat(logs.lines()).as("captured log lines").isNotEmpty().noneMatch(l -> l.contains(secret));
        assertThat(Files.readString(on.logFile(0))).as("the nats-server log").doesNotContain(secret);
    }
}
