package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.mailbox.Mailbox;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.spi.ActorLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registration is atomic across the cluster (issue 11, "registration race across 3 nodes x 1000
 * ids"): three nodes, one per server of a 3-server cluster, each on its own thread, register the
 * same 1000 ids, all three on the same id at once (a barrier per id). For every id exactly one
 * node wins and the two others get {@code ALREADY_REGISTERED}; afterwards every node lists the
 * same ids in the same order and agrees on each one's owner.
 */
@WithNatsCluster(servers = 3)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegistrationRaceTest {

    private static final int IDS = 1000;

    static NatsCluster cluster;

    @Test
    void ofThreeNodesRegisteringEachOf1000IdsAtOnceExactlyOneWinsAndAllAgreeOnTheOrder() throws Exception {
        try (NatsNodes nodes = new NatsNodes(cluster)) {
            List<DistributedMessageBroker> n = nodes.start(3);
            List<ActorId> ids = new ArrayList<>(IDS);
            for (int i = 0; i < IDS; i++) {
                ids.add(ActorId.of(900_000_000L + i));
            }
            AtomicIntegerArray winner = new AtomicIntegerArray(IDS); // 1 + the winning node's index, 0: none
            AtomicIntegerArray wins = new AtomicIntegerArray(IDS);
            AtomicIntegerArray alreadyRegistered = new AtomicIntegerArray(IDS);
            Queue<String> unexpected = new ConcurrentLinkedQueue<>();
            CyclicBarrier together = new CyclicBarrier(n.size());
            ExecutorService threads = Executors.newFixedThreadPool(n.size());
            long began = System.nanoTime();
            try {
                List<Future<?>> racers = new ArrayList<>();
                for (int r = 0; r < n.size(); r++) {
                    int me = r;
                    DistributedMessageBroker node = n.get(r);
                    racers.add(threads.submit(() -> {
                        for (int i = 0; i < IDS; i++) {
                            together.await(30, TimeUnit.SECONDS);
                            try {
                                node.register(ids.get(i), Mailbox.unbounded());
                                wins.incrementAndGet(i);
                                winner.set(i, me + 1);
                            } catch (BrokerException e) {
                                if (e.error() == BrokerError.ALREADY_REGISTERED) {
                                    alreadyRegistered.incrementAndGet(i);
                                } else {
                                    unexpected.add(ids.get(i) + " on node " + me + ": " + e);
                                }
                            } catch (RuntimeException e) {
                                unexpected.add(ids.get(i) + " on node " + me + ": " + e);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> racer : racers) {
                    racer.get(100, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
                threads.awaitTermination(10, TimeUnit.SECONDS);
            }
            System.out.println("RegistrationRaceTest: 3 nodes x " + IDS + " contested registrations in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");

            assertThat(unexpected).as("failures other than ALREADY_REGISTERED").isEmpty();
            int[] perNode = new int[n.size()];
            for (int i = 0; i < IDS; i++) {
                assertThat(wins.get(i)).as("winners of %s", ids.get(i)).isEqualTo(1);
                assertThat(alreadyRegistered.get(i)).as("ALREADY_REGISTERED for %s", ids.get(i)).isEqualTo(n.size() - 1);
                perNode[winner.get(i) - 1]++;
            }
            System.out.println("RegistrationRaceTest: wins per node " + java.util.Arrays.toString(perNode));

            List<ActorId> order = n.get(0).actorIds();
            assertThat(order).hasSize(IDS).containsExactlyInAnyOrderElementsOf(ids);
            for (DistributedMessageBroker node : n) {
                assertThat(node.actorIds()).as("node %d's registration order", node.node()).isEqualTo(order);
                assertThat(node.registeredCount()).isEqualTo(IDS);
            }
            for (int i = 0; i < IDS; i++) {
                DistributedMessageBroker owner = n.get(winner.get(i) - 1);
                for (DistributedMessageBroker node : n) {
                    ActorLocation where = node.directory().locate(ids.get(i));
                    if (node == owner) {
                        assertThat(where).as("%s on its owner", ids.get(i)).isInstanceOf(ActorLocation.Local.class);
                    } else {
                        assertThat(where).as("%s seen from node %d", ids.get(i), node.node())
                                .isEqualTo(new ActorLocation.Remote(owner.node()));
                    }
                }
            }
        }
    }
}
