package io.airssys.rt.broker;

import java.io.Serial;

/**
 * A topic or subscription pattern is malformed; the message names the topic and what is
 * wrong with it.
 */
public final class InvalidTopicException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The topic or pattern that was refused. */
    private final String topic;

    /**
     * Creates the exception.
     *
     * @param topic   the offending topic (may be {@code null} or empty)
     * @param problem what is wrong, e.g. "token 2 is empty"
     */
    public InvalidTopicException(String topic, String problem) {
        super("invalid topic " + (topic == null ? "null" : "'" + topic + "'") + ": " + problem);
        this.topic = topic;
    }

    /**
     * Returns the offending topic.
     *
     * @return the topic as given
     */
    public String topic() {
        return topic;
    }
}
