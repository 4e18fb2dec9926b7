package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendOptions;
import io.nats.client.impl.Headers;

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
 * What travels between nodes besides the codec's bytes: the operation, the target, the message's
 * type name, priority, remaining time and the sender's headers, all as NATS headers; and the
 * framing of a reply that holds several results (a broadcast or publish on one node).
 *
 * <p>A request goes to the owning node's one subject ({@code <prefix>.node.<n>}); the operation
 * header says what it asks for. The remaining time travels as milliseconds, not as a deadline:
 * the nodes' clocks need not agree. The receiver's deadline (its own clock, now plus the
 * remaining time) is later than the caller's by the transit; the receiver answers {@code TIMEOUT}
 * when it passes, having skipped the message if it had not started, and the caller waits a grace
 * period past its own deadline for that answer (see {@code RemoteCalls}).
 */
final class Wire {

    static final String OP = "airssys-op";
    static final String TO = "airssys-to";
    static final String TYPE = "airssys-type";
    static final String PRIORITY = "airssys-priority";
    static final String REMAINING_MS = "airssys-remaining-ms";
    static final String TOPIC = "airssys-topic";
    static final String PATTERN = "airssys-pattern";
    static final String TARGETS = "airssys-targets";
    static final String STATUS = "airssys-status";
    /** Prefix of a sender's own headers ({@link SendOptions#headers()}). */
    static final String USER = "airssys-h-";

    static final String OK = "ok";
    static final String FAILED = "failed";

    /** Operations a node answers. */
    enum Op { SEND, TELL, BROADCAST, PUBLISH, UNREGISTER, SUBSCRIBE, UNSUBSCRIBE, SUBSCRIPTIONS, METRICS }

    private Wire() {
    }

    static String nodeSubject(String prefix, int node) {
        return prefix + ".node." + node;
    }

    /** The headers of a message for one actor: operation, target, type, priority, time left, user headers. */
    static Headers request(Op op, ActorId to, String typeName, Priority priority, long remainingMillis,
                           Map<String, String> user) {
        Headers h = new Headers();
        h.put(OP, op.name());
        if (to != null) {
            h.put(TO, Long.toString(to.asLong()));
        }
        if (typeName != null) {
            h.put(TYPE, typeName);
        }
        if (priority != null) {
            h.put(PRIORITY, priority.name());
        }
        if (remainingMillis > 0) {
            h.put(REMAINING_MS, Long.toString(remainingMillis));
        }
        user.forEach((k, v) -> h.put(USER + k, v));
        return h;
    }

    static Headers op(Op op, ActorId to) {
        return request(op, to, null, null, 0, Map.of());
    }

    /** The options a receiving node applies: priority, the time left as its timeout, user headers. */
    static SendOptions options(Headers h) {
        SendOptions o = SendOptions.DEFAULT;
        String p = h.getFirst(PRIORITY);
        if (p != null) {
            o = o.withPriority(Priority.valueOf(p));
        }
        String ms = h.getFirst(REMAINING_MS);
        if (ms != null) {
            o = o.withTimeout(Duration.ofMillis(Math.max(1, Long.parseLong(ms))));
        }
        Map<String, String> user = new LinkedHashMap<>();
        for (String key : h.keySet()) {
            if (key.startsWith(USER)) {
                user.put(key.substring(USER.length()), h.getFirst(key));
            }
        }
        return user.isEmpty() ? o : o.withHeaders(user);
    }

    static Op opOf(Headers h) {
        String op = h == null ? null : h.getFirst(OP);
        if (op == null) {
            throw new IllegalArgumentException("a message without the " + OP + " header");
        }
        return Op.valueOf(op);
    }

    static ActorId target(Headers h) {
        String to = h.getFirst(TO);
        if (to == null) {
            throw new IllegalArgumentException("a message without the " + TO + " header");
        }
        return ActorId.of(Long.parseLong(to));
    }

    static String targets(List<ActorId> ids) {
        StringBuilder b = new StringBuilder(ids.size() * 16);
        for (ActorId id : ids) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(id.asLong());
        }
        return b.toString();
    }

    static List<ActorId> targets(String csv) {
        List<ActorId> ids = new ArrayList<>();
        if (csv == null || csv.isEmpty()) {
            return ids;
        }
        for (String s : csv.split(",")) {
            ids.add(ActorId.of(Long.parseLong(s)));
        }
        return ids;
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
