package io.airssys.rt.broker;

import java.util.Objects;

/**
 * The topic syntax, which is the NATS subject syntax so that a distributed broker maps topics
 * one to one onto subjects.
 *
 * <ul>
 *   <li>A topic is one or more non-empty <em>tokens</em> separated by {@code .}, e.g.
 *       {@code orders.eu.created}. Tokens hold no whitespace.</li>
 *   <li>In a subscription pattern, the token {@code *} matches exactly one token
 *       ({@code orders.*.created}) and the token {@code >}, allowed only last, matches one or
 *       more trailing tokens ({@code orders.>}).</li>
 *   <li>{@code *} and {@code >} are wildcards only as whole tokens; inside a token they are
 *       refused, to avoid a pattern that looks like a wildcard but is not.</li>
 *   <li>Publishing and routing need a <em>concrete</em> topic: no wildcard tokens.</li>
 * </ul>
 *
 * <p>A {@code null} topic or pattern is a programming error like any other {@code null}
 * argument of the API: it throws {@link NullPointerException} naming the parameter
 * ({@code "topic"} or {@code "pattern"}). A malformed string throws
 * {@link InvalidTopicException}, naming the topic and what is wrong.
 */
public final class Topics {

    /** The longest topic accepted, in characters (NATS' default limit on a subject is larger). */
    public static final int MAX_LENGTH = 1024;

    private Topics() {
    }

    /**
     * Checks a subscription pattern.
     *
     * @param pattern the pattern
     * @return the pattern
     * @throws NullPointerException  if it is {@code null}, with the message "pattern"
     * @throws InvalidTopicException if it is malformed
     */
    public static String checkPattern(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        check(pattern, true);
        return pattern;
    }

    /**
     * Checks a concrete topic.
     *
     * @param topic the topic
     * @return the topic
     * @throws NullPointerException  if it is {@code null}, with the message "topic"
     * @throws InvalidTopicException if it is malformed or has a wildcard
     */
    public static String checkConcrete(String topic) {
        Objects.requireNonNull(topic, "topic");
        check(topic, false);
        return topic;
    }

    /**
     * Returns whether a pattern matches a concrete topic.
     *
     * @param pattern a valid pattern
     * @param topic   a valid concrete topic
     * @return {@code true} if a subscription to {@code pattern} receives {@code topic}
     * @throws NullPointerException  if either is {@code null}, naming it
     * @throws InvalidTopicException if either is malformed
     */
    public static boolean matches(String pattern, String topic) {
        String[] p = checkPattern(pattern).split("\\.", -1);
        String[] t = checkConcrete(topic).split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return t.length > i;
            }
            if (i >= t.length || !(p[i].equals("*") || p[i].equals(t[i]))) {
                return false;
            }
        }
        return p.length == t.length;
    }

    /** Checks a topic or pattern already known not to be {@code null}. */
    private static void check(String topic, boolean wildcardsAllowed) {
        if (topic.isEmpty()) {
            throw new InvalidTopicException(topic, "it is empty");
        }
        if (topic.length() > MAX_LENGTH) {
            throw new InvalidTopicException(topic.substring(0, 40) + "...",
                    "it has " + topic.length() + " characters, more than " + MAX_LENGTH);
        }
        int token = 1;
        int start = 0;
        for (int i = 0; i <= topic.length(); i++) {
            if (i < topic.length() && topic.charAt(i) != '.') {
                char c = topic.charAt(i);
                if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                    throw new InvalidTopicException(topic, "token " + token + " contains whitespace or a control character");
                }
                continue;
            }
            int len = i - start;
            if (len == 0) {
                throw new InvalidTopicException(topic, "token " + token + " is empty (leading, trailing or double '.')");
            }
            boolean star = len == 1 && topic.charAt(start) == '*';
            boolean tail = len == 1 && topic.charAt(start) == '>';
            if ((star || tail) && !wildcardsAllowed) {
                throw new InvalidTopicException(topic, "wildcard '" + topic.charAt(start)
                        + "' where a concrete topic is needed");
            }
            if (tail && i != topic.length()) {
                throw new InvalidTopicException(topic, "'>' must be the last token");
            }
            if (!star && !tail) {
                for (int j = start; j < i; j++) {
                    char c = topic.charAt(j);
                    if (c == '*' || c == '>') {
                        throw new InvalidTopicException(topic, "token " + token + " contains '" + c
                                + "': wildcards must be whole tokens");
                    }
                }
            }
            token++;
            start = i + 1;
        }
    }
}
