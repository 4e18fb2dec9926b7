package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The cluster's registry: one JetStream key-value bucket, the only place where the nodes agree
 * on who owns what. Keys:
 * <ul>
 *   <li>{@code n.<node>}: a node number, claimed by one broker ({@code create}: exactly one of
 *       many claimants wins); the value is the claimant's instance token;</li>
 *   <li>{@code a.<id>}: an actor and its owning node ({@code create}: of N nodes registering one
 *       id exactly one wins); the key's revision is the actor's place in registration order;</li>
 *   <li>{@code s.<id>.<hex pattern>}: one topic subscription of an actor, written by its node.</li>
 * </ul>
 * Every node watches the whole bucket ({@link ClusterDirectory}), so sends never ask the
 * registry where an actor lives.
 */
final class ClusterRegistry {

    /** JetStream's error code for "wrong last sequence": the key exists (create) or moved on (delete). */
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private final KeyValue kv;
    private final String bucket;

    private ClusterRegistry(KeyValue kv, String bucket) {
        this.kv = kv;
        this.bucket = bucket;
    }

    /**
     * Opens the bucket, creating it if it does not exist yet (a race between nodes creating it
     * is harmless: creating an identical bucket again succeeds).
     */
    static ClusterRegistry open(Connection connection, String bucket, int replicas) throws IOException {
        KeyValueManagement kvm = connection.keyValueManagement();
        try {
            kvm.getStatus(bucket);
        } catch (JetStreamApiException missing) {
            try {
                kvm.create(KeyValueConfiguration.builder().name(bucket).replicas(replicas)
                        .storageType(StorageType.File).build());
            } catch (JetStreamApiException e) {
                throw new IOException("cannot create the registry bucket '" + bucket + "' with " + replicas
                        + " replicas: " + e.getErrorDescription() + " (does the cluster run JetStream, -js, with at"
                        + " least " + replicas + " servers?)", e);
            }
        }
        return new ClusterRegistry(connection.keyValue(bucket), bucket);
    }

    KeyValue kv() {
        return kv;
    }


    static String actorKey(ActorId id) {
        return "a." + id.asLong();
    }

    static String nodeKey(int node) {
        return "n." + node;
    }

    static String heartbeatKey(int node) {
        return "h." + node;
    }

    static String subscriptionKey(ActorId id, String pattern) {
        return "s." + id.asLong() + "." + HexFormat.of().formatHex(pattern.getBytes(StandardCharsets.UTF_8));
    }

    static String patternOf(String hex) {
        return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
    }

    /** Claims the lowest free node number from 1 up; the value is this instance's token. */
    int claimNode(String token) throws IOException {
        for (int node = 1; node <= ActorId.MAX_NODE; node++) {
            try {
                kv.create(nodeKey(node), token.getBytes(StandardCharsets.UTF_8));
                return node;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                    throw new IOException("cannot claim a node number in '" + bucket + "': " + e.getErrorDescription(), e);
                }
            }
        }
        throw new IOException("every node number of '" + bucket + "' is claimed");
    }

    /**
     * Registers an actor on a node, atomically across the cluster.
     *
     * @return the entry's revision (its place in registration order)
     * @throws BrokerException {@link BrokerError#ALREADY_REGISTERED} if another registration won
     */
    long createActor(ActorId id, int node) throws IOException {
        try {
            return kv.create(actorKey(id), Integer.toString(node).getBytes(StandardCharsets.UTF_8));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                throw new BrokerException(BrokerError.ALREADY_REGISTERED, id, id
                        + " is already registered in the cluster; use a new ActorId or unregister the old actor first");
            }
            throw new IOException("cannot register " + id + ": " + e.getErrorDescription(), e);
        }
    }

    /** Removes an actor's entry if it is still the given revision; returns false if it moved on. */
    boolean deleteActor(ActorId id, long revision) throws IOException {
        try {
            kv.delete(actorKey(id), revision);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw new IOException("cannot unregister " + id + ": " + e.getErrorDescription(), e);
        }
    }

    void putSubscription(ActorId id, String pattern, int node) throws IOException {
        try {
            kv.put(subscriptionKey(id, pattern), Integer.toString(node).getBytes(StandardCharsets.UTF_8));
        } catch (JetStreamApiException e) {
            throw new IOException("cannot record the subscription of " + id + " to '" + pattern + "': "
                    + e.getErrorDescription(), e);
        }
    }

    void deleteSubscription(ActorId id, String pattern) throws IOException {
        try {
            kv.delete(subscriptionKey(id, pattern));
        } catch (JetStreamApiException e) {
            throw new IOException("cannot remove the subscription of " + id + " to '" + pattern + "': "
                    + e.getErrorDescription(), e);
        }
    }

    void deleteSubscriptions(ActorId id, List<String> patterns) throws IOException {
        for (String p : patterns) {
            deleteSubscription(id, p);
        }
    }

    /** Says this node is alive (every node watches these). */
    void heartbeat(int node, byte[] token) throws IOException {
        try {
            kv.put(heartbeatKey(node), token);
        } catch (JetStreamApiException e) {
            throw new IOException("cannot write node " + node + "'s heartbeat: " + e.getErrorDescription(), e);
        }
    }

    /**
     * Takes a silent node's claim away, if it is still the given revision: of several survivors
     * that judge the same node dead, exactly one succeeds and cleans up after it.
     */
    boolean revokeNode(int node, long claimRevision) throws IOException {
        try {
            kv.delete(nodeKey(node), claimRevision);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw new IOException("cannot revoke node " + node + ": " + e.getErrorDescription(), e);
        }
    }

    void deleteHeartbeat(int node) throws IOException {
        try {
            kv.delete(heartbeatKey(node));
        } catch (JetStreamApiException e) {
            throw new IOException("cannot delete node " + node + "'s heartbeat: " + e.getErrorDescription(), e);
        }
    }

    void releaseNode(int node) throws IOException {
        try {
            kv.delete(nodeKey(node));
        } catch (JetStreamApiException e) {
            throw new IOException("cannot release node " + node + ": " + e.getErrorDescription(), e);
        }
    }

    /** The bucket's last revision: a directory that has applied it has seen every change before this call. */
    long lastRevision() throws IOException {
        try {
            return kv.getStatus().getBackingStreamInfo().getStreamState().getLastSequence();
        } catch (JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot read the registry's last revision: " + e.getMessage(), e);
        }
    }

    /** A registry call whose I/O failure becomes a typed broker error naming what was tried. */
    interface RegistryCall<T> {
        T call() throws IOException;
    }

    static <T> T io(RegistryCall<T> call, ActorId id, String what) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new BrokerException(BrokerError.ROUTING_FAILED, id, "cannot " + what + ": the registry failed: "
                    + e.getMessage(), e);
        }
    }
}
