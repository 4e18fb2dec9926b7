package io.airssys.rt.instrument;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;

import java.util.Map;

/**
 * Hooks that see each message from its send to its outcome, and actors come and go.
 *
 * <p>Per message, in this order:
 * <ol>
 *   <li>{@link #onSend} on the sender's thread, before the message is enqueued. What it returns,
 *       the <em>send token</em> (for example the sender's tracing observation), travels with the
 *       message unchanged to the hooks below.</li>
 *   <li>If the actor starts the message: {@link #onProcessStart} and then {@link #onProcessEnd},
 *       both on the actor's thread, paired (the end always follows its start on the same thread,
 *       even when the handler throws). A message that times out, is cancelled or is refused
 *       before it starts gets neither.</li>
 *   <li>{@link #onOutcome}, exactly once, where the message is retired: on the actor's thread
 *       after processing, on the sender's thread when it was refused, on the timer's or the
 *       closer's thread when it died in the queue, or when the stage an asynchronous handler
 *       returned completes.</li>
 * </ol>
 *
 * <p>Broadcasts and publishes call {@link #onSend} once per target actor; a routed send or a
 * publish that finds no subscriber calls it once with a {@code null} target and then reports
 * {@link Outcome#NO_SUBSCRIBER}.
 *
 * <p>Hooks run on the broker's hot path: keep them short, non-blocking and thread-safe. A hook
 * that throws is caught and logged (logger {@code io.airssys.rt.instrument}); it never breaks a
 * delivery, and a throwing {@code onSend} or {@code onProcessStart} yields a {@code null} token.
 * Install one with {@code InMemoryMessageBroker.builder().instrumentation(...)}; several can be
 * combined with {@link #compose}.
 */
public interface Instrumentation {

    /**
     * A message is being sent to one actor.
     *
     * @param target   the actor, or {@code null} when a routed send or publish found no subscriber
     * @param message  the message
     * @param priority its priority
     * @param headers  the sender's headers (unmodifiable, empty if none)
     * @return the send token handed to the later hooks of this message, or {@code null}
     */
    default Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
        return null;
    }

    /**
     * The actor starts processing a message (its handler is about to run), on the actor's thread.
     *
     * @param actor       the actor
     * @param message     the message
     * @param sendToken   what {@link #onSend} returned for it
     * @param queuedNanos how long it waited between its send and this start, in nanoseconds
     * @return the process token handed to {@link #onProcessEnd}, or {@code null}
     */
    default Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
        return null;
    }

    /**
     * The actor's handler returned or threw, on the same thread as its {@link #onProcessStart}.
     * For a handler that replies later (a {@code CompletionStage}) this is when the handler
     * returned the stage; the outcome follows when the stage completes.
     *
     * @param actor           the actor
     * @param message         the message
     * @param processToken    what {@link #onProcessStart} returned
     * @param processingNanos how long the handler ran, in nanoseconds
     * @param failure         what the handler threw, or {@code null}
     */
    default void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                              Throwable failure) {
    }

    /**
     * How a message ended; called exactly once per message.
     *
     * @param message   the message
     * @param sendToken what {@link #onSend} returned for it
     * @param outcome   how it ended
     * @param error     what its sender saw (the handler's failure, the typed send error), or
     *                  {@code null} for {@link Outcome#REPLIED}
     */
    default void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
    }

    /**
     * An actor was registered with the broker.
     *
     * @param actor the actor
     */
    default void onRegister(ActorId actor) {
    }

    /**
     * An actor left the broker (unregistered, stopped itself, or the broker closed).
     *
     * @param actor the actor
     */
    default void onUnregister(ActorId actor) {
    }

    /**
     * Combines instrumentations into one that calls each in turn. The tokens stay separate: each
     * hook of {@code parts[i]} receives the tokens {@code parts[i]} returned.
     *
     * @param parts the instrumentations, at least one
     * @return one instrumentation over all of them
     */
    static Instrumentation compose(Instrumentation... parts) {
        return Composite.of(parts);
    }
}
