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
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    enum Op { SEND, TELL, BROADCAST, PUBLISH, UNREGISTER, SUBSCRIBE, UNSUBSCRIBE, SUBSCRIPTIONS, METRICS, BATCH }

    /** The first byte of a {@link #batch} body. */
    static final byte BATCH = (byte) Op.BATCH.ordinal();

    /** What a {@link #batch} body adds to its frames: the operation byte and the count, then a length per frame. */
    static final int BATCH_HEADER = 1 + 4;
    static final int BATCH_PER_FRAME = 4;

    private Wire() {
    }

    static String nodeSubject(String prefix, int node) {
        return prefix + ".node." + node;
    }

    /** Node subjects of one prefix, built once per node rather than once per message. */
    static final class Subjects {
        private final String prefix;
        private final ConcurrentHashMap<Integer, String> byNode = new ConcurrentHashMap<>();

        Subjects(String prefix) {
            this.prefix = prefix;
        }

        String of(int node) {
            String s = byNode.get(node);
            return s != null ? s : byNode.computeIfAbsent(node, n -> nodeSubject(prefix, n));
        }
    }

    /**
     * What a request says besides the codec's bytes. It travels in front of them in the
     * message body, not as NATS headers: building and parsing a header map per message was
     * over half of a remote fire-and-forget's cost (JFR), the body prefix is a few bytes written
     * and read in one pass ({@link #body}, {@link #request(byte[])}).
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
            if (remainingMillis <= 0 && user.isEmpty()) {
                return priority == null ? SendOptions.DEFAULT : PRIORITY_ONLY[priority.ordinal()];
            }
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

    /** Flag bits of a request body's second byte: which optional fields follow. */
    private static final int HAS_TARGET = 1;
    private static final int HAS_TOPIC = 2;
    private static final int HAS_PATTERN = 4;

    /** Type names as UTF-8, per name: the names come from a codec's allow-list, so this stays small. */
    private static final ConcurrentHashMap<String, byte[]> TYPE_NAME_BYTES = new ConcurrentHashMap<>();

    /** The options a request without a timeout or headers carries, per priority ordinal (none allocated per message). */
    private static final SendOptions[] PRIORITY_ONLY;

    static {
        Priority[] all = Priority.values();
        PRIORITY_ONLY = new SendOptions[all.length];
        for (Priority p : all) {
            PRIORITY_ONLY[p.ordinal()] = SendOptions.DEFAULT.withPriority(p);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int sized(byte[] b) {
        return b == null ? 0 : 2 + b.length;
    }

    private static void put(ByteBuffer out, byte[] b, String what) {
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException(what + " is " + b.length + " bytes in UTF-8, over 65535");
        }
        out.putShort((short) b.length).put(b);
    }

    private static String string(ByteBuffer in) {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > in.remaining()) {
            throw new IllegalArgumentException("a string claims " + n + " bytes, " + in.remaining() + " are left");
        }
        String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /**
     * A request body: the meta, then the codec's bytes, written into one array of exactly its
     * size (no stream, no growing buffer, no copy): an operation byte, a flags byte, the target,
     * the priority and the time left, the type name, the topic or pattern when present, the
     * broadcast targets, the user headers, and the rest is the payload. Strings are a 2-byte
     * length and UTF-8.
     */
    static byte[] body(Meta m, byte[] payload) {
        byte[] type = m.type == null ? EMPTY : TYPE_NAME_BYTES.computeIfAbsent(m.type, Wire::utf8);
        byte[] topic = utf8(m.topic);
        byte[] pattern = utf8(m.pattern);
        int size = 2 + (m.to != null ? 8 : 0) + 1 + 8 + sized(type) + sized(topic) + sized(pattern)
                + 4 + 8 * m.targets.size() + 1 + payload.length;
        byte[][] user = null;
        if (!m.user.isEmpty()) {
            if (m.user.size() > 255) {
                throw new IllegalArgumentException("at most 255 headers travel to another node, were " + m.user.size());
            }
            user = new byte[m.user.size() * 2][];
            int i = 0;
            for (Map.Entry<String, String> e : m.user.entrySet()) {
                user[i] = utf8(e.getKey());
                user[i + 1] = utf8(e.getValue());
                size += sized(user[i]) + sized(user[i + 1]);
                i += 2;
            }
        }
        byte[] body = new byte[size];
        ByteBuffer out = ByteBuffer.wrap(body);
        out.put((byte) m.op.ordinal());
        out.put((byte) ((m.to != null ? HAS_TARGET : 0) | (topic != null ? HAS_TOPIC : 0)
                | (pattern != null ? HAS_PATTERN : 0)));
        if (m.to != null) {
            out.putLong(m.to.asLong());
        }
        out.put((byte) (m.priority == null ? -1 : m.priority.ordinal()));
        out.putLong(m.remainingMillis);
        put(out, type, "the type name");
        if (topic != null) {
            put(out, topic, "the topic");
        }
        if (pattern != null) {
            put(out, pattern, "the pattern");
        }
        out.putInt(m.targets.size());
        for (ActorId id : m.targets) {
            out.putLong(id.asLong());
        }
        out.put((byte) (user == null ? 0 : user.length / 2));
        if (user != null) {
            for (byte[] b : user) {
                put(out, b, "a header");
            }
        }
        out.put(payload);
        return body;
    }

    private static final byte[] EMPTY = new byte[0];

    /** A request as it arrived: its meta and the codec's bytes. */
    record Request(Meta meta, byte[] payload) {
    }

    /** Reads a request body; a malformed one is an {@link IllegalArgumentException}. */
    static Request request(byte[] body) {
        return request(body, 0, body.length);
    }

    /** Reads the request body at {@code body[offset, offset + length)} (one frame of a batch). */
    static Request request(byte[] body, int offset, int length) {
        try {
            ByteBuffer in = ByteBuffer.wrap(body, offset, length);
            Op[] ops = Op.values();
            int op = in.get();
            if (op < 0 || op >= ops.length) {
                throw new IllegalArgumentException("unknown operation " + op);
            }
            int flags = in.get();
            ActorId to = (flags & HAS_TARGET) != 0 ? ActorId.of(in.getLong()) : null;
            int p = in.get();
            Priority[] priorities = Priority.values();
            if (p >= priorities.length || p < -1) {
                throw new IllegalArgumentException("unknown priority " + p);
            }
            Priority priority = p < 0 ? null : priorities[p];
            long remaining = in.getLong();
            String type = string(in);
            String topic = (flags & HAS_TOPIC) != 0 ? string(in) : null;
            String pattern = (flags & HAS_PATTERN) != 0 ? string(in) : null;
            int n = in.getInt();
            if (n < 0 || n > in.remaining() / 8) {
                throw new IllegalArgumentException("a request claims " + n + " targets in " + length + " bytes");
            }
            List<ActorId> targets = n == 0 ? List.of() : new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                targets.add(ActorId.of(in.getLong()));
            }
            int headers = Byte.toUnsignedInt(in.get());
            Map<String, String> user = headers == 0 ? Map.of() : new LinkedHashMap<>();
            for (int i = 0; i < headers; i++) {
                user.put(string(in), string(in));
            }
            Meta m = new Meta(ops[op], to, type.isEmpty() ? null : type, priority, remaining, user)
                    .topic(topic).pattern(pattern).targets(targets);
            // the rest is the codec's bytes: one copy of exactly their length
            return new Request(m, Arrays.copyOfRange(body, in.position(), offset + length));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a request body of " + length + " bytes ends too early", e);
        }
    }

    /**
     * Several one-way request bodies ({@code TELL}s) in one NATS message: the {@code BATCH}
     * operation byte, the count, then each body as a 4-byte length and its bytes. Its size is
     * {@link #BATCH_HEADER} plus, per frame, {@link #BATCH_PER_FRAME} and the frame.
     */
    static byte[] batch(List<byte[]> bodies) {
        int size = BATCH_HEADER;
        for (byte[] b : bodies) {
            size += BATCH_PER_FRAME + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(BATCH).putInt(bodies.size());
        for (byte[] b : bodies) {
            out.putInt(b.length).put(b);
        }
        return out.array();
    }

    /** Where one frame of a batch body lies in it. */
    record Span(int offset, int length) {
    }

    /**
     * The frames of a {@link #batch} body, as spans of it (nothing copied). A body whose lengths
     * do not add up is an {@link IllegalArgumentException}: nothing of it is trusted.
     */
    static List<Span> batchFrames(byte[] body) {
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            if (in.get() != BATCH) {
                throw new IllegalArgumentException("not a batch: operation " + body[0]);
            }
            int n = in.getInt();
            if (n < 0 || n > in.remaining() / BATCH_PER_FRAME) {
                throw new IllegalArgumentException("a batch claims " + n + " frames in " + body.length + " bytes");
            }
            List<Span> spans = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = in.getInt();
                if (len < 0 || len > in.remaining()) {
                    throw new IllegalArgumentException("frame " + i + " of a batch claims " + len + " bytes, "
                            + in.remaining() + " are left");
                }
                spans.add(new Span(in.position(), len));
                in.position(in.position() + len);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("a batch of " + n + " frames has " + in.remaining()
                        + " bytes more than its frames");
            }
            return spans;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("a batch body of " + body.length + " bytes ends too early", e);
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
