package io.airssys.rt.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs every example so that none can rot, and checks what it printed. */
class ExamplesTest {

    @FunctionalInterface
    interface Example {
        void run(PrintStream out) throws Exception;
    }

    private static String output(Example example) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            example.run(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void requestResponse() throws Exception {
        assertThat(output(RequestResponseExample::run))
                .contains("Account balance: $125.50")
                .contains("User 42 is Alice");
    }

    @Test
    void statefulActors() throws Exception {
        assertThat(output(StatefulActorExample::run))
                .contains("a counted 12, b counted 1")
                .contains("after a restart a counts 0")
                .contains("an async reply: 1000");
    }

    @Test
    void typedRefs() throws Exception {
        assertThat(output(TypedRefExample::run))
                .contains("apples in stock: 5")
                .contains("the same actor through a ref made from its id: 5 (equal refs: true)");
    }

    @Test
    void codec() throws Exception {
        assertThat(output(CodecExample::run))
                .contains("bank.Transfer travels as {\"from\":\"alice\",\"to\":\"bob\",\"cents\":1250}")
                .contains("decoded on the other node: Transfer[from=alice, to=bob, cents=1250]")
                .contains("not on the allow-list: UNKNOWN_TYPE")
                .contains("the caller's node sees: SendException MAILBOX_FULL");
    }

    @Test
    void distributed() throws Exception {
        assertThat(output(DistributedExample::run))
                .containsPattern("node \\d+ asked node \\d+: Account balance: \\$125\\.50")
                .containsPattern("a broadcast from node \\d+ was answered by \\[node \\d+, node \\d+, node \\d+\\]")
                .contains("actors in the cluster: 4");
    }

    @Test
    void sendOptions() throws Exception {
        assertThat(output(SendOptionsExample::run))
                .contains("send with headers: trace 4bf92f3577b34da6")
                .contains("broadcast with headers: trace 4bf92f3577b34da6")
                .contains("a 50 ms timeout: TIMEOUT");
    }

    @Test
    void fireAndForget() throws Exception {
        assertThat(output(FireAndForgetExample::run))
                .contains("logger wrote: User logged in")
                .contains("logger wrote: INFO Task completed");
    }

    @Test
    void broadcastCountsTheActorThatFailed() throws Exception {
        assertThat(output(BroadcastShutdownExample::run))
                .contains("UserCreated reached 5 actors")
                .contains("busy writing a checkpoint")
                .contains("Shutdown complete: 1 failures");
    }

    @Test
    void filteredBroadcastReachesWorkers100To199() throws Exception {
        assertThat(output(FilteredBroadcastExample::run))
                .contains("WorkItem reached 100 workers, first actor-100, last actor-199");
    }

    @Test
    void queriesAndTheRegistrationGuard() throws Exception {
        assertThat(output(QueriesExample::run))
                .contains("new broker, actors: 0")
                .contains("task 42 done")
                .contains("sent to actor-7: task 1 done")
                .contains("Actor actor-999 not found")
                .contains("Active actors: 2")
                .containsSubsequence("Registered: actor-7", "Registered: actor-8")
                .contains("after unregister, Active actors: 1");
    }

    @Test
    void brokerErrorAndSendErrorMatches() throws Exception {
        assertThat(output(ErrorHandlingExample::run))
                .contains("Actor ID actor-1 already in use")
                .contains("Actor actor-404 not found")
                .contains("Actor actor-2 mailbox full, retry later")
                .contains("Actor actor-3 failed on Ping: audit log unavailable");
    }

    @Test
    void metricsSuccessRate() throws Exception {
        assertThat(output(MetricsExample::run))
                .contains("Active actors: 1")
                .contains("Success rate: 98.00%")
                .contains("Sent 100, delivered 98, failed 2")
                .containsPattern("Avg routing latency: [1-9][0-9]*ns");
    }

    @Test
    void sealedProtocol() throws Exception {
        assertThat(output(SealedProtocolExample::run))
                .contains("withdraw 74.50: true, withdraw 1000: false, balance: $125.50");
    }

    @Test
    void topicRouting() throws Exception {
        assertThat(output(TopicRoutingExample::run))
                .contains("orders.eu.created -> [audit, eu-shipping, billing]")
                .contains("orders.us.created -> [audit, billing]")
                .contains("users.signup -> [audit]")
                .contains("300 resizes spread over 3 workers, total 300")
                .contains("ROUTING_FAILED: true")
                .contains("refused: invalid topic 'orders..created': token 2 is empty");
    }

    @Test
    void prioritiesAndOverflowStrategies() throws Exception {
        assertThat(output(PriorityAndOverflowExample::run))
                .contains("processed by priority: [health-check, refund, invoice, report]")
                .contains("FAIL: replies [a, b, MAILBOX_FULL], processed [a, b]")
                .contains("DROP_NEWEST: replies [a, b, MAILBOX_FULL], processed [a, b]")
                .contains("DROP_OLDEST: replies [MAILBOX_FULL, b, c], processed [b, c]")
                .contains("BLOCK: replies [a, b, c], processed [a, b, c]")
                .contains("MAILBOX_FULL=2, EVICTED=1");
    }

    @Test
    void deadLetters() throws Exception {
        assertThat(output(DeadLetterExample::run))
                .contains("dead letters: 3, alerts heard: [ACTOR_NOT_FOUND, ACTOR_NOT_FOUND, ACTOR_NOT_FOUND]")
                .contains("first: Payment[id=p1, cents=100] to actor-42 because ACTOR_NOT_FOUND (sent before or when")
                .contains("replayed 3, ledger booked [p1, p2, p3], left in queue: 0");
    }

    @Test
    void theDemoRunsEveryExample() throws Exception {
        assertThat(output(Demo::run))
                .contains("Account balance: $125.50")
                .contains("Shutdown complete: 1 failures")
                .contains("balance: $125.50")
                .contains("processed by priority:")
                .contains("replayed 3");
    }
}
