package io.airssys.rt.broker;

import io.airssys.rt.Priority;

import java.util.Objects;

/**
 * Where and how urgently to route a message by topic (spec: {@code struct RoutingKey}).
 *
 * @param topic    a concrete topic (no wildcards), see {@link Topics}
 * @param priority the message's priority
 */
public record RoutingKey(String topic, Priority priority) {

    /**
     * Checks both fields; the topic must be concrete.
     *
     * @throws NullPointerException  if either is {@code null}, naming it
     * @throws InvalidTopicException if the topic is malformed or has a wildcard
     */
    public RoutingKey {
        Topics.checkConcrete(topic);
        Objects.requireNonNull(priority, "priority");
    }

    /**
     * Returns a key of {@link Priority#NORMAL} priority.
     *
     * @param topic a concrete topic
     * @return the key
     * @throws NullPointerException  if {@code topic} is {@code null}
     * @throws InvalidTopicException if the topic is malformed or has a wildcard
     */
    public static RoutingKey of(String topic) {
        return new RoutingKey(topic, Priority.NORMAL);
    }
}
