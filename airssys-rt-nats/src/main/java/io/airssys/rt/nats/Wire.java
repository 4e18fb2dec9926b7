package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendOptions;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What travels between nodes besides the codec's bytes: a request's operation, target, the
 * message's type name, priority, remaining time and the sender's headers, as a short binary
 * prefix of the body ({@link Meta}); a reply's status and type as NATS headers; and the framing
 * of a reply that holds several results (a broadcast or publish on one node).
 *
 * <p>A request goes to the owning node's one subject ({@code <prefix>.node.<n>}); the operation
 * header says what it asks for. The remaining time travels as milliseconds, not as a deadline:
 * the nodes' clocks need not agree. The receiver's deadline (its own clock, now plus the
 * remaining time) is later than the caller's by the transit; the receiver answers {@code TIMEOUT}
 * when it passes, having skipped the message if it had not started, and the caller waits a grace
 * period past its own deadline for that answer (see {@code RemoteCalls}).
 */
final class Wire {

    static final String TYPE = "airssys-type";
    static final String STATUS = "airssys-status";

    static final String OK = "ok";
    static final String FAILED = "failed";

    /** Operations a node answers. */
    enum Op { SEND, TELL, BROADCAST, PUBLISH, UNREGISTER, SUBSCRIBE, UNSUBSCRIBE, SUBSCRIPTIONS, METRICS }

    private Wire() {
    }

    static String nodeSubject(String prefix, int node) {
        return prefix + ".node." + node;
    }

    /**
     * What a request says besides the codec's bytes. It travels in front of them in the
     * message body, not as NATS headers: building and parsing a header map per message was
     * over half of a remote fire-and-forget's cost (JFR), the body prefix is a few bytes written
     * and read in one pass.
     */
    static final class Meta {
        final Op op;
        final ActorId to;            // null: none
        final String type;           // null: none
        final Priority priority;     // null: the receiver's default
        final long remainingMillis;  // 0: none
        final Map<String, String> user;
        String topic;                // PUBLISH
        String pattern;              // SUBSCRIBE, UNSUBSCRIBE
        List<ActorId> targets = List.of(); // BROADCAST

        Meta(Op op, ActorId to, String type, Priority priority, long remainingMillis, Map<String, String> user) {
            this.op = op;
            this.to = to;
            this.type = type;
            this.priority = priority;
            this.remainingMillis = remainingMillis;
            this.user = user;
        }

        Meta topic(String t) {
            this.topic = t;
            return this;
        }

        Meta pattern(String p) {
            this.pattern = p;
            return this;
        }

        Meta targets(List<ActorId> ids) {
            this.targets = ids;
            return this;
        }

        /** The target, required by the operations that name one actor. */
        ActorId target() {
            if (to == null) {
                throw new IllegalArgumentException("a " + op + " request without a target");
            }
            return to;
        }

        /** The options a receiving node applies: priority, the time left as its timeout, user headers. */
        SendOptions options() {
            SendOptions o = SendOptions.DEFAULT;
            if (priority != null) {
                o = o.withPriority(priority);
            }
            if (remainingMillis > 0) {
                o = o.withTimeout(Duration.ofMillis(remainingMillis));
            }
            return user.isEmpty() ? o : o.withHeaders(user);
        }
    }

    /** A request for one actor (or none): operation, target, type, priority, time left, user headers. */
    static Meta request(Op op, ActorId to, String typeName, Priority priority, long remainingMillis,
                        Map<String, String> user) {
        return new Meta(op, to, typeName, priority, remainingMillis, user);
    }

    static Meta op(Op op, ActorId to) {
        return new Meta(op, to, null, null, 0, Map.of());
    }

    /** A request body: the meta, then the codec's bytes. */
    static byte[] body(Meta m, byte[] payload) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + payload.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(m.op.ordinal());
            out.writeBoolean(m.to != null);
            if (m.to != null) {
                out.writeLong(m.to.asLong());
            }
            out.writeUTF(m.type == null ? "" : m.type);
            out.writeByte(m.priority == null ? -1 : m.priority.ordinal());
            out.writeLong(m.remainingMillis);
            out.writeUTF(m.topic == null ? "" : m.topic);
            out.writeUTF(m.pattern == null ? "" : m.pattern);
            out.writeInt(m.targets.size());
            for (ActorId id : m.targets) {
                out.writeLong(id.asLong());
            }
            out.writeByte(m.user.size());
            for (Map.Entry<String, String> e : m.user.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.write(payload);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** A request as it arrived: its meta and the codec's bytes. */
    record Request(Meta meta, byte[] payload) {
    }

    /** Reads a request body; a malformed one is an {@link IllegalArgumentException}. */
    static Request request(byte[] body) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
            Op[] ops = Op.values();
            int op = in.readByte();
            if (op < 0 || op >= ops.length) {
                throw new IOException("unknown operation " + op);
            }
            ActorId to = in.readBoolean() ? ActorId.of(in.readLong()) : null;
            String type = in.readUTF();
            int p = in.readByte();
            Priority priority = p < 0 ? null : Priority.values()[p];
            long remaining = in.readLong();
            String topic = in.readUTF();
            String pattern = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > body.length / 8) {
                throw new IOException("a request claims " + n + " targets in " + body.length + " bytes");
            }
            List<ActorId> targets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                targets.add(ActorId.of(in.readLong()));
            }
            int headers = in.readUnsignedByte();
            Map<String, String> user = headers == 0 ? Map.of() : new LinkedHashMap<>();
            for (int i = 0; i < headers; i++) {
                user.put(in.readUTF(), in.readUTF());
            }
            Meta m = new Meta(ops[op], to, type.isEmpty() ? null : type, priority, remaining, user)
                    .topic(topic.isEmpty() ? null : topic).pattern(pattern.isEmpty() ? null : pattern).targets(targets);
            // the rest is the codec's bytes: one copy of exactly their length (readAllBytes would grow
            // an 8 KB buffer per message: most of a remote fire-and-forget's cost in a JFR profile)
            int offset = body.length - in.available();
            return new Request(m, java.util.Arrays.copyOfRange(body, offset, body.length));
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("a request body does not decode: " + e.getMessage(), e);
        }
    }

    /** A node's counters as a line of numbers (a {@code string} reply: every codec carries it). */
    static String metrics(io.airssys.rt.broker.BrokerMetrics m) {
        return m.registeredActors() + "," + m.totalSent() + "," + m.totalDelivered() + "," + m.totalFailed() + ","
                + m.avgRoutingLatencyNs();
    }

    static io.airssys.rt.broker.BrokerMetrics metrics(String line) {
        String[] f = line.split(",");
        if (f.length != 5) {
            throw new IllegalArgumentException("a node's counters do not parse: '" + line + "'");
        }
        return new io.airssys.rt.broker.BrokerMetrics(Integer.parseInt(f[0]), Long.parseLong(f[1]),
                Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }

    /** One result in a framed reply: an actor, whether it succeeded, the type name and bytes. */
    record Frame(ActorId actorId, boolean ok, String typeName, byte[] bytes) {
    }

    /** Frames several results into one body: count, then per result id, flag, type name, length, bytes. */
    static byte[] frames(List<Frame> frames) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(frames.size());
            for (Frame f : frames) {
                out.writeLong(f.actorId().asLong());
                out.writeBoolean(f.ok());
                out.writeUTF(f.typeName());
                out.writeInt(f.bytes().length);
                out.write(f.bytes());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    static List<Frame> frames(byte[] body) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
            int n = in.readInt();
            if (n < 0 || n > body.length) {
                throw new IOException("a framed reply claims " + n + " results in " + body.length + " bytes");
            }
            List<Frame> frames = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ActorId id = ActorId.of(in.readLong());
                boolean ok = in.readBoolean();
                String type = in.readUTF();
                int len = in.readInt();
                if (len < 0 || len > body.length) {
                    throw new IOException("a framed result claims " + len + " bytes");
                }
                byte[] b = new byte[len];
                in.readFully(b);
                frames.add(new Frame(id, ok, type, b));
            }
            return frames;
        } catch (IOException e) {
            throw new IllegalArgumentException("a framed reply does not decode: " + e.getMessage(), e);
        }
    }
}
