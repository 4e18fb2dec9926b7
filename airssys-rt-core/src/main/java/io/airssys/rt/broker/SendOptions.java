package io.airssys.rt.broker;

import io.airssys.rt.Priority;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to send one message: its timeout, its priority and its headers. One value accepted by
 * every sending method of {@link MessageBroker} ({@code send}, {@code trySend},
 * {@code broadcast}, {@code broadcastFilter}, {@code publish}, {@code sendWithRouting}); the
 * spec's methods are shorthands for {@link #DEFAULT} or a single option.
 *
 * <pre>{@code
 * broker.send(account, new GetBalance(7), SendOptions.timeout(Duration.ofMillis(200)).withPriority(Priority.HIGH));
 * broker.trySend(audit, new Event("login"), SendOptions.DEFAULT.withHeader("traceparent", traceParent));
 * }</pre>
 *
 * <ul>
 *   <li><b>Timeout</b>: unset means the broker's default timeout; {@link #withoutTimeout()}
 *   means none (the request waits until it is answered or the broker closes). A request is
 *   either started before its deadline or skipped and failed with {@code TIMEOUT}. For
 *   {@code trySend}, which has no reply, only an explicit timeout applies: the message is
 *   dead-lettered {@code TIMED_OUT} if it could not start within it.</li>
 *   <li><b>Priority</b>: unset means {@link Priority#NORMAL}, except for
 *   {@code sendWithRouting}, whose {@link RoutingKey} then gives it.</li>
 *   <li><b>Headers</b>: a small map of strings (trace context such as {@code traceparent},
 *   correlation ids) that travels with the message; the handler reads it with
 *   {@link io.airssys.rt.actor.ActorContext#headers()}. At most {@value #MAX_HEADERS} entries;
 *   names are non-empty printable ASCII without spaces or colons, values carry no line breaks
 *   (so a network transport can carry them as they are).</li>
 * </ul>
 *
 * Immutable; every {@code with...} returns a new value.
 */
public final class SendOptions {

    /** The broker's default timeout, NORMAL priority (routing key's for routed sends), no headers. */
    public static final SendOptions DEFAULT = new SendOptions(null, false, null, Map.of());

    /** The most headers one message may carry. */
    public static final int MAX_HEADERS = 32;

    private final Duration timeout;
    private final boolean noTimeout;
    private final Priority priority;
    private final Map<String, String> headers;

    private SendOptions(Duration timeout, boolean noTimeout, Priority priority, Map<String, String> headers) {
        this.timeout = timeout;
        this.noTimeout = noTimeout;
        this.priority = priority;
        this.headers = headers;
    }

    /**
     * Returns the default options with {@code timeout}.
     *
     * @param timeout positive
     * @return new options
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public static SendOptions timeout(Duration timeout) {
        return DEFAULT.withTimeout(timeout);
    }

    /**
     * Returns the default options with {@code priority}.
     *
     * @param priority the priority
     * @return new options
     */
    public static SendOptions priority(Priority priority) {
        return DEFAULT.withPriority(priority);
    }

    /**
     * Returns these options with a timeout instead of the broker's default.
     *
     * @param timeout positive
     * @return new options
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public SendOptions withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new SendOptions(timeout, false, priority, headers);
    }

    /**
     * Returns these options without any timeout, not even the broker's default.
     *
     * @return new options
     */
    public SendOptions withoutTimeout() {
        return new SendOptions(null, true, priority, headers);
    }

    /**
     * Returns these options with a priority.
     *
     * @param priority the priority
     * @return new options
     */
    public SendOptions withPriority(Priority priority) {
        Objects.requireNonNull(priority, "priority");
        return new SendOptions(timeout, noTimeout, priority, headers);
    }

    /**
     * Returns these options with one more header (replacing one of the same name).
     *
     * @param name  non-empty printable ASCII, no spaces or colons
     * @param value no line breaks
     * @return new options
     * @throws IllegalArgumentException if the name or value is malformed, or there would be more
     *                                  than {@value #MAX_HEADERS} headers
     */
    public SendOptions withHeader(String name, String value) {
        checkHeader(name, value);
        Map<String, String> next = new LinkedHashMap<>(headers);
        next.put(name, value);
        if (next.size() > MAX_HEADERS) {
            throw new IllegalArgumentException("at most " + MAX_HEADERS + " headers per message; adding '" + name
                    + "' would make " + next.size());
        }
        return new SendOptions(timeout, noTimeout, priority, Collections.unmodifiableMap(next));
    }

    /**
     * Returns these options with every entry of {@code more} added as a header.
     *
     * @param more the headers
     * @return new options
     * @throws IllegalArgumentException as {@link #withHeader}
     */
    public SendOptions withHeaders(Map<String, String> more) {
        Objects.requireNonNull(more, "headers");
        SendOptions o = this;
        for (Map.Entry<String, String> h : more.entrySet()) {
            o = o.withHeader(h.getKey(), h.getValue());
        }
        return o;
    }

    private static void checkHeader(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, () -> "value of header '" + name + "'");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') {
                throw new IllegalArgumentException("header name '" + name + "' has a character a transport cannot carry"
                        + " at index " + i + " (printable ASCII only, no spaces or colons)");
            }
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the value of header '" + name + "' contains a line break");
        }
    }

    /**
     * Returns the timeout, or {@code null} if unset (the broker's default applies) or none.
     *
     * @return the explicit timeout, or {@code null}
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Returns whether these options turn every timeout off ({@link #withoutTimeout()}).
     *
     * @return {@code true} if the request never times out
     */
    public boolean hasNoTimeout() {
        return noTimeout;
    }

    /**
     * Returns the priority, or {@code null} if unset.
     *
     * @return the priority, or {@code null}
     */
    public Priority priority() {
        return priority;
    }

    /**
     * Returns the headers.
     *
     * @return an unmodifiable map, empty if none
     */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendOptions s && noTimeout == s.noTimeout && Objects.equals(timeout, s.timeout)
                && priority == s.priority && headers.equals(s.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeout, noTimeout, priority, headers);
    }

    @Override
    public String toString() {
        return "SendOptions[timeout=" + (noTimeout ? "none" : timeout == null ? "default" : timeout)
                + ", priority=" + (priority == null ? "default" : priority) + ", headers=" + headers + "]";
    }
}
