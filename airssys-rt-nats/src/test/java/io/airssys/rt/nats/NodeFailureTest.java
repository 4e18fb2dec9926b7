package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.nats.testing.NatsClients;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Echo;
import io.airssys.rt.testkit.contract.BrokerContractSupport.Hold;
import io.nats.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * Node failure on a real 3-server cluster, three broker nodes, one per server (issue 11, "Node
 * failure"): a node that exits is noticed by its callers at once ("no responders"); a node that
 * hangs is declared dead by exactly one survivor, which frees its ids; no future hangs either way.
 */
@WithNatsCluster(servers = 3)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NodeFailureTest {

    static NatsCluster cluster;

    /**
     * The caller's server learns that the node's subscription is gone a few milliseconds after the
     * exit (the route carries the unsubscription); a request that reaches it earlier is forwarded to
     * nobody and can only time out. So probes go out one after another, each waited on for 50 ms,
     * until one fails ACTOR_STOPPED: that one must come within a second of the exit, and every probe
     * sent before it must still complete, typed, within its timeout.
     */
    @Test
    void aNodeThatExitsMakesRequestsToItsActorsFailWithActorStoppedWithinASecond() throws Exception {
        try (FaultNodes nodes = new FaultNodes(cluster)) {
            List<FaultNodes.Node> n = nodes.start(3, NatsNodes.contractCodec(), b -> b);
            FaultWorker worker = new FaultWorker();
            ActorId victim = n.get(2).system().spawn(worker.behavior()).id();
            DistributedMessageBroker caller = n.get(0).broker();
            assertThat(caller.send(victim, new Echo("alive")).get(20, TimeUnit.SECONDS)).isEqualTo("alive");
            Duration timeout = Duration.ofSeconds(2);

            n.get(2).connection().close(); // the process "exits": its broker is never closed
            long began = System.nanoTime();

            List<CompletableFuture<String>> early = new ArrayList<>();
            Throwable stopped = null;
            for (int probe = 0; probe < 100 && stopped == null
                    && System.nanoTime() - began < TimeUnit.SECONDS.toNanos(5); probe++) {
                CompletableFuture<String> f = caller.send(victim, new Echo("gone?"), timeout);
                try {
                    f.get(50, TimeUnit.MILLISECONDS);
                    throw new AssertionError("an actor of a node that exited answered");
                } catch (ExecutionException e) {
                    stopped = e.getCause();
                } catch (java.util.concurrent.TimeoutException e) {
                    early.add(f); // sent before the caller's server knew: checked below
                }
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            System.out.println("NodeFailureTest: ACTOR_STOPPED " + millis + " ms after the node's connection closed ("
                    + early.size() + " earlier probe(s) got no answer within 50 ms)");

            assertThat(stopped).as("a probe failed within 5 s").isNotNull();
            assertThat(stopped).isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.error()).as("%s", e).isEqualTo(SendError.ACTOR_STOPPED);
                assertThat(e.actorId()).isEqualTo(victim);
            });
            assertThat(millis).as("ms from the exit to ACTOR_STOPPED").isLessThan(1_000);

            // from the other survivor, through its own server: ACTOR_STOPPED at once, not TIMEOUT
            long again = System.nanoTime();
            Throwable second = failureOf(n.get(1).broker().send(victim, new Echo("gone?"), timeout), 10);
            long secondMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again);
            assertThat(second).isInstanceOfSatisfying(SendException.class,
                    e -> assertThat(e.error()).as("%s", e).isEqualTo(SendError.ACTOR_STOPPED));
            assertThat(secondMillis).isLessThan(1_000);

            for (CompletableFuture<String> f : early) {
                assertThat(failureOf(f, 10)).isInstanceOfSatisfying(SendException.class,
                        e -> assertThat(e.error()).isIn(SendError.TIMEOUT, SendError.ACTOR_STOPPED));
            }
        }
    }

    /** A node whose process lost its connection can still be closed (by its owner's shutdown hook, say): quietly. */
    @Test
    void closingANodeWhoseConnectionIsGoneDoesNotThrow() throws Exception {
        try (FaultNodes nodes = new FaultNodes(cluster)) {
            FaultNodes.Node node = nodes.start(nodes.preferring(0), NatsNodes.contractCodec(), b -> b);
            node.system().spawn(new FaultWorker().behavior());
            node.connection().close();
            assertThatCode(node.broker()::close).doesNotThrowAnyException();
            assertThat(node.broker().isClosed()).isTrue();
        }
    }

    /**
     * No future outlives its deadline by much, even when nobody ever answers: a node whose process
     * hangs keeps its subscription (here: the node exits and a bare subscriber that never replies
     * takes its subject), so NATS neither answers "no responders" nor delivers a reply. Three
     * requests in a row, each must complete TIMEOUT within its timeout plus a margin, not when the
     * NATS client's periodic request cleanup next runs (every 5 s by default).
     */
    @Test
    void aRequestToANodeThatNeverAnswersCompletesAtItsOwnDeadline() throws Exception {
        try (FaultNodes nodes = new FaultNodes(cluster)) {
            // nobody is declared dead during the test: the silent node's actor stays in the registry
            List<FaultNodes.Node> n = nodes.start(2, NatsNodes.contractCodec(),
                    b -> b.liveness(Duration.ofMillis(200), Duration.ofSeconds(60)));
            ActorId silent = n.get(1).system().spawn(new FaultWorker().behavior()).id();
            DistributedMessageBroker caller = n.get(0).broker();
            assertThat(caller.send(silent, new Echo("alive")).get(20, TimeUnit.SECONDS)).isEqualTo("alive");
            String subject = nodes.subjectOf(n.get(1).broker());
            n.get(1).connection().close();
            try (NatsClients blackHole = NatsClients.connect(cluster.clientOptions(0).build())) {
                Connection hole = blackHole.get(0);
                hole.createDispatcher(m -> { }).subscribe(subject);
                hole.flush(Duration.ofSeconds(5));
                Duration timeout = Duration.ofMillis(300);
                List<Long> took = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long t = System.nanoTime();
                    Throwable failure = failureOf(caller.send(silent, new Echo("late " + i), timeout), 15);
                    took.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
                    assertThat(failure).isInstanceOfSatisfying(SendException.class,
                            e -> assertThat(e.error()).as("%s", e).isEqualTo(SendError.TIMEOUT));
                }
                System.out.println("NodeFailureTest: 300 ms requests nobody answers completed after " + took + " ms");
                assertThat(took).as("ms until each 300 ms request completed").allSatisfy(ms ->
                        assertThat(ms).isLessThan(timeout.toMillis() + 1_200));
            }
        }
    }

    @Test
    void requestsInFlightToANodeThatExitsCompleteWithinTheirTimeout() throws Exception {
        try (FaultNodes nodes = new FaultNodes(cluster)) {
            List<FaultNodes.Node> n = nodes.start(3, NatsNodes.contractCodec(), b -> b);
            FaultWorker worker = new FaultWorker();
            List<ActorId> victims = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                victims.add(n.get(2).system().spawn(worker.behavior()).id());
            }
            try {
                Duration timeout = Duration.ofSeconds(2);
                List<CompletableFuture<String>> inFlight = new ArrayList<>();
                for (ActorId v : victims) { // each actor parked in a handler, with requests queued behind it
                    inFlight.add(n.get(0).broker().send(v, new Hold("never"), timeout));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> worker.held.get() == victims.size());
                for (int i = 0; i < 30; i++) {
                    inFlight.add(n.get(i % 2).broker().send(victims.get(i % victims.size()), new Echo("e" + i), timeout));
                }

                long began = System.nanoTime();
                n.get(2).connection().close();

                for (CompletableFuture<String> f : inFlight) {
                    Throwable failure = failureOf(f, 10);
                    assertThat(failure).as("every request in flight fails typed").isInstanceOfSatisfying(
                            SendException.class, e -> assertThat(e.error()).isIn(SendError.TIMEOUT, SendError.ACTOR_STOPPED));
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                System.out.println("NodeFailureTest: " + inFlight.size() + " requests in flight completed within "
                        + millis + " ms of the exit (timeout " + timeout.toMillis() + " ms)");
                assertThat(millis).as("all in-flight requests done within their timeout plus a margin")
                        .isLessThan(timeout.toMillis() + 1_500);
            } finally {
                worker.openAll();
            }
        }
    }

    @Test
    void aNodeThatHangsIsDeclaredDeadByOneSurvivorItsIdsAreFreedAndItClosesWhenItResumes() throws Exception {
        Duration heartbeat = Duration.ofMillis(100);
        Duration deadAfter = Duration.ofMillis(500);
        try (FaultNodes nodes = new FaultNodes(cluster);
             CapturedLogs logs = new CapturedLogs("io.airssys.rt.nats")) {
            List<FaultNodes.Node> n = nodes.start(3, NatsNodes.contractCodec(), b -> b.liveness(heartbeat, deadAfter));
            FaultWorker worker = new FaultWorker();
            DistributedMessageBroker hung = n.get(2).broker();
            List<ActorId> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(n.get(2).system().spawn(worker.behavior()).id());
            }
            List<DistributedMessageBroker> survivors = List.of(n.get(0).broker(), n.get(1).broker());
            for (DistributedMessageBroker s : survivors) {
                assertThat(s.actorIds()).containsAll(ids);
            }
            long began = System.nanoTime();
            hung.liveness().pauseHeartbeats(true);

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() ->
                    survivors.stream().allMatch(s -> s.actorIds().stream().noneMatch(ids::contains)));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            System.out.println("NodeFailureTest: hung node " + hung.node() + " declared dead and its ids gone from"
                    + " every survivor " + millis + " ms after its heartbeats stopped (deadAfter "
                    + deadAfter.toMillis() + " ms, heartbeat " + heartbeat.toMillis() + " ms)");
            assertThat(millis).as("ms to declare the hung node dead")
                    .isLessThan(deadAfter.plus(heartbeat).toMillis() + 2_000);

            String declared = "declared node " + hung.node() + " dead";
            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.containing(declared).isEmpty());

            // its ids can be registered on a survivor
            for (ActorId id : ids) {
                n.get(0).system().spawn(id, worker.behavior(), Mailbox.unbounded());
            }
            for (DistributedMessageBroker s : survivors) {
                assertThat(s.actorIds()).containsAll(ids);
            }
            assertThat(n.get(1).broker().send(ids.get(0), new Echo("moved"), Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS)).isEqualTo("moved");

            assertThat(hung.isClosed()).isFalse();
            hung.liveness().pauseHeartbeats(false);
            await().atMost(Duration.ofSeconds(10)).until(hung::isClosed);
            assertThat(logs.containing(declared)).as("still declared dead exactly once").hasSize(1);
            // the ids stay with their new owner: the hung node's close must not remove the new registrations
            await().atMost(Duration.ofSeconds(10)).until(() -> hung.actorIds().isEmpty()); // its close() has finished
            for (DistributedMessageBroker s : survivors) {
                assertThat(s.actorIds()).containsAll(ids);
            }
        }
    }

    /** What {@code f} failed with, waiting at most {@code seconds}; fails the test if it succeeded or hung. */
    static Throwable failureOf(CompletableFuture<?> f, long seconds) throws InterruptedException {
        try {
            Object value = f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the future did not complete within " + seconds + " s: it hangs", e);
        }
    }
}
