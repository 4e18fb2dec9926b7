package io.airssys.rt.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Which nodes are alive, and what happens to the actors of one that is not.
 *
 * <p>nats-server 2.9 has no per-key TTL, so liveness is explicit: every node writes its heartbeat
 * key {@code h.<node>} each {@code interval}, and every node notes, on its own clock, when it last
 * saw each node's heartbeat, its own included; a node is silent for as long as its last
 * heartbeat is older than this node's own last one, as both came back through the watch. A node silent for {@code deadAfter} is declared dead by
 * whichever survivor first revokes its claim {@code n.<node>} (a delete with the claim's revision
 * as expected revision: exactly one survivor wins); that survivor removes the dead node's actors
 * and subscriptions from the registry, each with its entry's revision, so an id the dead node held
 * can be registered elsewhere afterwards, and a re-registration made meanwhile is never removed.
 *
 * <p>A node that exited or crashed is also noticed at once by its callers: NATS answers their
 * requests "no responders" within milliseconds. A node that hung and comes back finds its claim
 * revoked; it then closes itself ({@code onRevoked}), since the cluster has let go of its actors.
 */
final class NodeLiveness implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.nats");

    private final ClusterRegistry registry;
    private final ClusterDirectory directory;
    private final int node;
    private final byte[] token;
    private final long deadAfterNanos;
    private final Consumer<String> onRevoked;
    private final ScheduledExecutorService timer;
    private volatile boolean paused;

    NodeLiveness(ClusterRegistry registry, ClusterDirectory directory, int node, String token, Duration interval,
                 Duration deadAfter, Consumer<String> onRevoked) {
        this.registry = registry;
        this.directory = directory;
        this.node = node;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.deadAfterNanos = deadAfter.toNanos();
        this.onRevoked = onRevoked;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "airssys-nats-liveness-" + node);
            t.setDaemon(true);
            return t;
        });
        long period = interval.toMillis();
        timer.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Stops (or resumes) this node's heartbeats, as a node that hangs would: for fault tests. */
    void pauseHeartbeats(boolean pause) {
        this.paused = pause;
    }

    private void tick() {
        try {
            if (paused) {
                return;
            }
            if (!directory.claimed(node)) {
                onRevoked.accept("node " + node + " was declared dead by another node (its heartbeats stopped)");
                return;
            }
            registry.heartbeat(node, token);
            // NOTE: silence is measured against this node's own heartbeat as it comes back through
            // the same watch, not against the wall clock: a registry that stalls (a JetStream leader
            // election after a server died) delays every heartbeat alike, and nobody is declared
            // dead for it (ServerFailureTest).
            long now = directory.lastBeatNanos(node);
            if (now == -1) {
                return;
            }
            for (Map.Entry<Integer, Long> claim : directory.claims().entrySet()) {
                int other = claim.getKey();
                if (other != node && directory.silenceNanos(other, now) > deadAfterNanos) {
                    takeOver(other, claim.getValue());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + node + ": liveness check failed; retrying", e);
        }
    }

    /** Declares {@code dead} dead if no other survivor did first, and removes what it held. */
    private void takeOver(int dead, long claimRevision) throws IOException {
        if (!registry.revokeNode(dead, claimRevision)) {
            return; // another survivor won, or the node re-claimed
        }
        int actors = 0;
        for (ClusterDirectory.Entry e : directory.entriesOf(dead)) {
            for (String pattern : directory.patternsOf(e.id())) {
                registry.deleteSubscription(e.id(), pattern);
            }
            if (registry.deleteActor(e.id(), e.revision())) {
                actors++;
            }
        }
        registry.deleteHeartbeat(dead);
        LOG.log(System.Logger.Level.WARNING, "node {0} declared node {1} dead (silent for over {2} ms) and removed"
                + " its {3} actors from the registry", node, dead, deadAfterNanos / 1_000_000, actors);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
