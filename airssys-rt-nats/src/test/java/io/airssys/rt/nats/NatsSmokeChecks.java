package io.airssys.rt.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the smoke tests of the test infrastructure check on a running cluster, with plain jnats. */
final class NatsSmokeChecks {

    /** jnats' API error code for a KV create on a key that exists ("wrong last sequence"). */
    static final int KEY_EXISTS = 10071;

    private NatsSmokeChecks() {
    }

    /**
     * A responder connected to one server answers a requester connected to another: the request crosses the
     * route between them. The responder's interest reaches the other server a moment after its SUB, so the
     * first requests may find no responder: retried, at most for 5 s.
     */
    static void assertRequestReplyAcross(Connection responder, Connection requester) throws Exception {
        String subject = "smoke.echo." + UUID.randomUUID();
        Dispatcher dispatcher = responder.createDispatcher(message ->
                responder.publish(message.getReplyTo(), ("echo:" + text(message)).getBytes(StandardCharsets.UTF_8)));
        try {
            dispatcher.subscribe(subject);
            responder.flush(Duration.ofSeconds(5));
            assertThat(text(requestUntilAnswered(requester, subject, "ping"))).isEqualTo("echo:ping");
        } finally {
            responder.closeDispatcher(dispatcher);
        }
    }

    static Message requestUntilAnswered(Connection requester, String subject, String body) {
        // the responder's interest may still be crossing the route: until it arrives a request
        // gets "no responders" or times out, so ask again until one is answered (bounded)
        return await("a reply on " + subject + " via " + requester.getConnectedUrl())
                .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> requester.requestWithTimeout(subject, body.getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS), reply -> reply != null);
    }

    /**
     * One connection per server (as given) races {@code create} on each of {@code keys} keys of a new bucket
     * with {@code replicas} replicas, all connections on the same key at once (a barrier per key): exactly one
     * wins each key, the others get "key exists", and the stored value is the winner's.
     */
    static void assertKvCreateHasOneWinnerPerKey(List<Connection> racers, int replicas, int keys) throws Exception {
        String bucket = "smoke-" + UUID.randomUUID().toString().substring(0, 8);
        racers.get(0).keyValueManagement().create(KeyValueConfiguration.builder()
                .name(bucket).replicas(replicas).storageType(StorageType.File).build());
        List<KeyValue> buckets = new ArrayList<>();
        for (Connection racer : racers) {
            buckets.add(racer.keyValue(bucket));
        }
        AtomicReferenceArray<String> winners = new AtomicReferenceArray<>(keys);
        Queue<String> doubleWins = new ConcurrentLinkedQueue<>();
        Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CyclicBarrier together = new CyclicBarrier(racers.size());
        ExecutorService threads = Executors.newFixedThreadPool(racers.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < racers.size(); r++) {
                KeyValue kv = buckets.get(r);
                String me = "racer-" + r;
                done.add(threads.submit(() -> {
                    for (int k = 0; k < keys; k++) {
                        together.await(10, TimeUnit.SECONDS);
                        try {
                            kv.create("k" + k, me.getBytes(StandardCharsets.UTF_8));
                            if (!winners.compareAndSet(k, null, me)) {
                                doubleWins.add("k" + k + ": " + winners.get(k) + " and " + me);
                            }
                        } catch (JetStreamApiException e) {
                            if (e.getApiErrorCode() != KEY_EXISTS) {
                                unexpected.add(e);
                            }
                        } catch (Exception e) {
                            unexpected.add(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(50, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }

        assertThat(unexpected).as("errors other than 'key exists'").isEmpty();
        assertThat(doubleWins).as("keys won twice").isEmpty();
        for (int k = 0; k < keys; k++) {
            assertThat(winners.get(k)).as("winner of k" + k).isNotNull();
            assertThat(buckets.get(0).get("k" + k).getValueAsString()).as("value of k" + k).isEqualTo(winners.get(k));
        }
        racers.get(0).keyValueManagement().delete(bucket);
    }

    static String text(Message message) {
        return new String(message.getData(), StandardCharsets.UTF_8);
    }
}
