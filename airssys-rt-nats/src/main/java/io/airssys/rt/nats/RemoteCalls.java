package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.DeliveryFailure;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.impl.Headers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The calling side of a node: requests to other nodes' subjects and what their replies (or
 * their absence) become for the caller.
 *
 * <ul>
 *   <li>A reply with status {@code ok} carries the result's type name and bytes; {@code failed}
 *       carries a {@link DeliveryFailure}, rebuilt into the same typed exception.</li>
 *   <li>No reply within the request's time: {@link SendError#TIMEOUT} (the receiving node skips
 *       the message if it has not started by then: it got the same remaining time).</li>
 *   <li>Nobody listens on the node's subject (the node exited or crashed: NATS answers "no
 *       responders" within milliseconds): {@link SendError#ACTOR_STOPPED}, naming the node.</li>
 *   <li>A message or reply the codec cannot carry: {@link BrokerError#CODEC_FAILED}.</li>
 * </ul>
 * Every call is tracked until it completes, so {@link #failAll} can complete them all when this
 * node closes: no future is left pending.
 */
final class RemoteCalls {

    private final Connection connection;
    private final MessageCodec codec;
    private final Wire.Subjects subjects;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final OutboundBatches outbound;

    RemoteCalls(Connection connection, MessageCodec codec, String prefix, OutboundBatches outbound) {
        this.connection = connection;
        this.codec = codec;
        this.subjects = new Wire.Subjects(prefix);
        this.outbound = outbound;
    }

    /** Encodes a message; a codec failure becomes the caller's {@code CODEC_FAILED}. */
    byte[] encode(Object message, ActorId target) {
        try {
            return codec.encode(message);
        } catch (CodecException e) {
            throw codecFailed(target, "cannot send " + message.getClass().getSimpleName() + " to another node", e);
        }
    }

    String typeName(Object message, ActorId target) {
        try {
            return codec.types().nameOf(message);
        } catch (CodecException e) {
            throw codecFailed(target, "cannot send " + message.getClass().getSimpleName() + " to another node", e);
        }
    }

    static BrokerException codecFailed(ActorId target, String what, CodecException e) {
        return new BrokerException(BrokerError.CODEC_FAILED, target, what + ": " + e.getMessage(), e);
    }

    /**
     * Queues a message without a reply (a remote {@code trySend}) for {@link OutboundBatches}: its
     * body is built and its size checked here, on the caller's thread.
     *
     * @throws BrokerException {@code CODEC_FAILED} if it is over the server's max_payload
     */
    void tell(int node, Wire.Meta meta, byte[] payload, Message<?> message) {
        ActorId target = meta.target();
        byte[] body = Wire.body(meta, payload);
        long max = connection.getMaxPayload();
        if (max > 0 && body.length > max) {
            String why = body.length + " bytes is over the server's max_payload of " + max;
            throw codecFailed(target, "cannot send to node " + node, new CodecException(
                    CodecException.Reason.TOO_LARGE, meta.type, why, null));
        }
        outbound.tell(node, new NodeOutbound.Tell(body, target, message,
                meta.priority == null ? Priority.NORMAL : meta.priority));
    }

    /**
     * Sends a request to a node and completes with the decoded result value.
     *
     * @param target the actor concerned (for error messages), or {@code null}
     */
    CompletableFuture<Object> request(int node, Wire.Meta meta, byte[] payload, Duration timeout, ActorId target,
                                      String messageType) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, e) -> pending.remove(result));
        CompletableFuture<io.nats.client.Message> call;
        try {
            outbound.flushBefore(node); // not ahead of this caller's earlier trySends to that node
            call = withDeadline(connection.requestWithTimeout(subjects.of(node), null,
                    Wire.body(meta, payload), grace(timeout)), timeout);
        } catch (IllegalArgumentException tooLarge) {
            result.completeExceptionally(codecFailed(target, "cannot send to node " + node, new CodecException(
                    CodecException.Reason.TOO_LARGE, messageType, tooLarge.getMessage(), tooLarge)));
            return result;
        }
        call.whenComplete((reply, error) -> {
            if (error != null) {
                result.completeExceptionally(noReply(node, error, timeout, target, messageType));
                return;
            }
            try {
                result.complete(value(reply, target));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** A request whose reply frames one result per actor (a broadcast or publish on one node). */
    <R> CompletableFuture<List<Reply<R>>> requestAll(int node, Wire.Meta meta, byte[] payload, Duration timeout,
                                                      String messageType) {
        CompletableFuture<List<Reply<R>>> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, e) -> pending.remove(result));
        outbound.flushBefore(node); // not ahead of this caller's earlier trySends to that node
        withDeadline(connection.requestWithTimeout(subjects.of(node), null, Wire.body(meta, payload),
                grace(timeout)), timeout)
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        result.completeExceptionally(noReply(node, error, timeout, null, messageType));
                        return;
                    }
                    try {
                        result.complete(replies(reply));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    /**
     * The caller's own deadline on a request. The receiving node got the same time left and
     * answers {@code TIMEOUT} itself when it runs out (after skipping the message if it had not
     * started), so the caller normally learns of a timeout from the node that decided it. This
     * deadline is later by a grace period (a quarter of the timeout, at least 100 ms, for the
     * transit the receiver's clock did not see) and only ends a wait on a node that is gone or
     * hung. It is kept here because jnats completes a timed-out request only in its periodic
     * cleanup, every 5 s by default (NodeFailureTest).
     */
    private static <T> CompletableFuture<T> withDeadline(CompletableFuture<T> call, Duration timeout) {
        return call.orTimeout(grace(timeout).toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Duration grace(Duration timeout) {
        Duration extra = timeout.dividedBy(4);
        return timeout.plus(extra.compareTo(GRACE) < 0 ? GRACE : extra);
    }

    private static final Duration GRACE = Duration.ofMillis(100);

    private Object value(io.nats.client.Message reply, ActorId target) {
        Headers h = reply.getHeaders();
        String status = h == null ? null : h.getFirst(Wire.STATUS);
        if (Wire.OK.equals(status)) {
            try {
                return codec.decode(h.getFirst(Wire.TYPE), reply.getData());
            } catch (CodecException e) {
                throw codecFailed(target, "the reply of " + target + " does not decode here", e);
            }
        }
        if (Wire.FAILED.equals(status)) {
            throw failure(reply.getData());
        }
        throw new BrokerException(BrokerError.ROUTING_FAILED, target,
                "another node answered without a status (is it an airssys-rt node of the same version?)");
    }

    @SuppressWarnings("unchecked")
    private <R> List<Reply<R>> replies(io.nats.client.Message reply) {
        Headers h = reply.getHeaders();
        if (h == null || !Wire.OK.equals(h.getFirst(Wire.STATUS))) {
            throw failure(reply.getData());
        }
        List<Reply<R>> out = new ArrayList<>();
        for (Wire.Frame f : Wire.frames(reply.getData())) {
            if (f.ok()) {
                try {
                    out.add(new Reply.Ok<>(f.actorId(), (R) codec.decode(f.typeName(), f.bytes())));
                } catch (CodecException e) {
                    out.add(new Reply.Failed<>(f.actorId(), codecFailed(f.actorId(),
                            "the reply of " + f.actorId() + " does not decode here", e)));
                }
            } else {
                out.add(new Reply.Failed<>(f.actorId(), failure(f.bytes())));
            }
        }
        return out;
    }

    private DeliveryException failure(byte[] bytes) {
        try {
            return ((DeliveryFailure) codec.decode(MessageTypes.FAILURE, bytes)).toException();
        } catch (RuntimeException e) {
            return new BrokerException(BrokerError.ROUTING_FAILED, null,
                    "another node reported a failure that does not decode: " + e.getMessage());
        }
    }

    private static DeliveryException noReply(int node, Throwable error, Duration timeout, ActorId target,
                                             String messageType) {
        Throwable t = DeliveryException.unwrap(error);
        if (t instanceof JetStreamStatusException || (t.getMessage() != null
                && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("no responders"))) {
            return new SendException(SendError.ACTOR_STOPPED, target, messageType,
                    "its node " + node + " is gone (no responders on its subject)", null);
        }
        if (t instanceof TimeoutException || t instanceof CancellationException) {
            return new SendException(SendError.TIMEOUT, target, messageType,
                    "no answer from node " + node + " within " + timeout.toMillis() + " ms", null);
        }
        return new SendException(SendError.ACTOR_STOPPED, target, messageType,
                "the request to node " + node + " failed: " + t, t);
    }

    /** Fails every call still waiting (this node closes). */
    void failAll(String why) {
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(new SendException(SendError.ACTOR_STOPPED, null, "request",
                    why, null));
        }
    }
}
