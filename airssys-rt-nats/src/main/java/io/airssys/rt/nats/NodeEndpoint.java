package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.Reply;
import io.airssys.rt.deadletter.DeadLetter;
import io.airssys.rt.deadletter.DeadLetterQueue;
import io.airssys.rt.deadletter.DeadLetterReason;
import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.DeliveryFailure;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The receiving side of a node: its one NATS subscription, on {@code <prefix>.node.<n>}, through
 * which every message for any of its actors arrives (100,000 actors are one subscription, not
 * 100,000). Each request is decoded and handed to the node's local broker with the options it
 * carried; the result, or the typed failure as a {@link DeliveryFailure}, goes back to the
 * caller's reply subject.
 *
 * <p>Deliveries never block the NATS dispatcher thread: the local broker's sends return futures
 * and its {@code trySend} never waits. Operations that write the registry (unregister,
 * subscribe) run on virtual threads, since they wait for JetStream.
 */
final class NodeEndpoint implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.nats");

    private final Connection connection;
    private final BrokerNode local;
    private final MessageCodec codec;
    private final Admin admin;
    private final ExecutorService adminThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final Dispatcher dispatcher;

    /** The registry-writing operations of the broker, run when another node asks for them. */
    interface Admin {
        void unregister(ActorId id);

        void subscribe(ActorId id, String pattern);

        boolean unsubscribe(ActorId id, String pattern);
    }

    NodeEndpoint(Connection connection, String subject, BrokerNode local, MessageCodec codec, Admin admin) {
        this.connection = connection;
        this.local = local;
        this.codec = codec;
        this.admin = admin;
        this.dispatcher = connection.createDispatcher(this::onMessage);
        dispatcher.subscribe(subject);
    }

    private void onMessage(io.nats.client.Message m) {
        byte[] data = m.getData();
        if (data != null && data.length > 0 && data[0] == Wire.BATCH) {
            unbatch(data);
            return;
        }
        String replyTo = m.getReplyTo();
        Wire.Request request = null;
        try {
            request = Wire.request(data);
            Wire.Meta h = request.meta();
            byte[] body = request.payload();
            switch (h.op) {
                case SEND -> reply(replyTo, local.send(h.target(), decode(h, body), h.options()));
                case TELL -> tell(h, body);
                case BROADCAST -> {
                    Set<ActorId> targets = new HashSet<>(h.targets);
                    replyAll(replyTo, local.broadcastFilter(decode(h, body), targets::contains, h.options()));
                }
                case PUBLISH -> replyAll(replyTo, local.publish(h.topic, decode(h, body), h.options()));
                case UNREGISTER -> adminThreads.execute(() -> answer(replyTo, () -> {
                    admin.unregister(h.target());
                    return null;
                }));
                case SUBSCRIBE -> adminThreads.execute(() -> answer(replyTo, () -> {
                    admin.subscribe(h.target(), h.pattern);
                    return null;
                }));
                case UNSUBSCRIBE -> adminThreads.execute(() -> answer(replyTo,
                        () -> admin.unsubscribe(h.target(), h.pattern)));
                case SUBSCRIPTIONS -> answer(replyTo, () -> String.join("\n", local.subscriptions(h.target())));
                case METRICS -> answer(replyTo, () -> Wire.metrics(local.metrics()));
                case BATCH -> throw new IllegalArgumentException("a batch cannot be read as one request");
            }
        } catch (CodecException e) {
            deadLetterUndecodable(request, e);
            fail(replyTo, new BrokerException(BrokerError.CODEC_FAILED, null, "the receiving node could not decode "
                    + e.typeName() + ": " + e.getMessage(), e));
        } catch (DeliveryException e) {
            fail(replyTo, e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a malformed request reached this node; refused", e);
            fail(replyTo, new BrokerException(BrokerError.ROUTING_FAILED, null,
                    "the receiving node refused a malformed request: " + e.getMessage()));
        }
    }

    @SuppressWarnings("unchecked")
    private Message<Object> decode(Wire.Meta h, byte[] body) {
        String type = h.type;
        Object value = codec.decode(type, body);
        if (!(value instanceof Message<?> message)) {
            throw new CodecException(CodecException.Reason.DECODE_FAILED, type,
                    "decodes to " + (value == null ? "null" : value.getClass().getName()) + ", which is not a Message",
                    null);
        }
        return (Message<Object>) message;
    }

    @SuppressWarnings("unchecked")
    private void tell(Wire.Meta h, byte[] body) {
        try {
            local.trySend(h.target(), (Message<Void>) (Message<?>) decode(h, body), h.options());
        } catch (DeliveryException refused) {
            // counted and dead-lettered on this node by the local broker: where the message died
            LOG.log(System.Logger.Level.DEBUG, "a remote trySend was refused here: {0}", refused.getMessage());
        } catch (CodecException e) {
            deadLetterUndecodable(new Wire.Request(h, body), e); // the message died here: this node's dead letters say so
        }
    }

    /**
     * Several {@code TELL}s in one NATS message ({@link OutboundBatches}): each is handled as if it
     * had come alone, in order. A frame that does not decode is dead-lettered here and the others
     * go on; a frame whose request does not parse is logged and skipped; a batch whose lengths do
     * not add up is refused whole (nothing of it can be trusted), logged.
     */
    private void unbatch(byte[] data) {
        List<Wire.Span> frames;
        try {
            frames = Wire.batchFrames(data);
        } catch (IllegalArgumentException malformed) {
            LOG.log(System.Logger.Level.WARNING, "a malformed batch reached this node; refused", malformed);
            return;
        }
        for (Wire.Span f : frames) {
            try {
                Wire.Request r = Wire.request(data, f.offset(), f.length());
                if (r.meta().op != Wire.Op.TELL) {
                    throw new IllegalArgumentException("a " + r.meta().op + " inside a batch");
                }
                tell(r.meta(), r.payload());
            } catch (RuntimeException malformed) {
                LOG.log(System.Logger.Level.WARNING, "a malformed frame of a batch reached this node; skipped", malformed);
            }
        }
    }

    /** A message that reached this node and does not decode is dead-lettered here, where it died. */
    private void deadLetterUndecodable(Wire.Request request, CodecException e) {
        if (request == null) {
            return;
        }
        try {
            Wire.Meta h = request.meta();
            Priority priority = h.priority == null ? Priority.NORMAL : h.priority;
            UndecodableMessage placeholder = new UndecodableMessage(String.valueOf(h.type),
                    request.payload().length, e.getMessage());
            List<DeadLetter.Target> targets = new ArrayList<>();
            switch (h.op) {
                case SEND, TELL -> targets.add(new DeadLetter.ToActor(h.target()));
                case BROADCAST -> h.targets.forEach(id -> targets.add(new DeadLetter.ToActor(id)));
                case PUBLISH -> targets.add(new DeadLetter.ToTopic(h.topic, true));
                default -> {
                    return;
                }
            }
            DeadLetterQueue dlq = local.deadLetters();
            Instant now = dlq.now();
            for (DeadLetter.Target t : targets) {
                dlq.offer(new DeadLetter(placeholder, t, DeadLetterReason.UNDECODABLE, priority, now, now,
                        e.getMessage()));
            }
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "an undecodable message could not be dead-lettered", failed);
        }
    }

    private void reply(String replyTo, CompletionStage<?> result) {
        result.whenComplete((value, error) -> {
            if (error != null) {
                fail(replyTo, error);
            } else {
                answer(replyTo, () -> value);
            }
        });
    }

    private <R> void replyAll(String replyTo, CompletableFuture<List<Reply<R>>> replies) {
        replies.whenComplete((list, error) -> {
            if (error != null) {
                fail(replyTo, error);
                return;
            }
            try {
                List<Wire.Frame> frames = new ArrayList<>(list.size());
                for (Reply<R> r : list) {
                    frames.add(switch (r) {
                        case Reply.Ok<R> ok -> frame(ok.actorId(), ok.value());
                        case Reply.Failed<R> f -> new Wire.Frame(f.actorId(), false, MessageTypes.FAILURE,
                                codec.encode(DeliveryFailure.of(asDelivery(f.error()))));
                    });
                }
                Headers h = new Headers().put(Wire.STATUS, Wire.OK);
                connection.publish(replyTo, h, Wire.frames(frames));
            } catch (IllegalArgumentException tooLarge) { // jnats: over the server's max_payload
                fail(replyTo, tooLarge(MessageTypes.FAILURE, tooLarge));
            } catch (RuntimeException e) {
                fail(replyTo, e);
            }
        });
    }

    private Wire.Frame frame(ActorId id, Object value) {
        try {
            return new Wire.Frame(id, true, codec.types().nameOf(value), codec.encode(value));
        } catch (CodecException e) {
            return new Wire.Frame(id, false, MessageTypes.FAILURE, codec.encode(DeliveryFailure.of(
                    new BrokerException(BrokerError.CODEC_FAILED, id, "the reply of " + id
                            + " could not be encoded: " + e.getMessage(), e))));
        }
    }

    /** Replies with a value computed now (or its failure). */
    private void answer(String replyTo, java.util.concurrent.Callable<Object> value) {
        if (replyTo == null) {
            return;
        }
        try {
            Object v = value.call();
            String type = codec.types().nameOf(v);
            Headers h = new Headers().put(Wire.STATUS, Wire.OK).put(Wire.TYPE, type);
            try {
                connection.publish(replyTo, h, codec.encode(v));
            } catch (IllegalArgumentException tooLarge) { // jnats: over the server's max_payload
                fail(replyTo, tooLarge(type, tooLarge));
            }
        } catch (Exception e) {
            fail(replyTo, e);
        }
    }

    private static BrokerException tooLarge(String type, IllegalArgumentException e) {
        return new BrokerException(BrokerError.CODEC_FAILED, null, "the reply could not cross back: " + e.getMessage(),
                new CodecException(CodecException.Reason.TOO_LARGE, type, e.getMessage(), e));
    }

    private void fail(String replyTo, Throwable error) {
        if (replyTo == null) {
            return;
        }
        DeliveryException d = asDelivery(error);
        Headers h = new Headers().put(Wire.STATUS, Wire.FAILED).put(Wire.TYPE, MessageTypes.FAILURE);
        connection.publish(replyTo, h, codec.encode(DeliveryFailure.of(d)));
    }

    private static DeliveryException asDelivery(Throwable error) {
        Throwable t = DeliveryException.unwrap(error);
        if (t instanceof DeliveryException d) {
            return d;
        }
        if (t instanceof CodecException c) {
            return new BrokerException(BrokerError.CODEC_FAILED, null, c.getMessage(), c);
        }
        return new BrokerException(BrokerError.ROUTING_FAILED, null,
                "the receiving node failed: " + t.getClass().getName() + ": " + t.getMessage());
    }

    @Override
    public void close() {
        try {
            connection.closeDispatcher(dispatcher);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the node's dispatcher: {0}", e.getMessage());
        }
        adminThreads.shutdown();
    }
}
