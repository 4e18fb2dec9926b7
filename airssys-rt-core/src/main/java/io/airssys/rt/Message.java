package io.airssys.rt;

/**
 * A message an actor can receive, typed by the result the actor answers with.
 *
 * <p>Make messages immutable records: the broker hands the same instance to the receiver
 * (and to every receiver of a broadcast) without copying, which is only safe when nobody can
 * change it afterwards.
 *
 * <pre>{@code
 * record GetBalance(long accountId) implements Message<Double> {}   // request-response
 * record LogEvent(String text) implements Message<Void> {}          // fire-and-forget
 * }</pre>
 *
 * @param <R> the type of the result the receiving actor replies with; {@link Void} for
 *            fire-and-forget messages (spec: {@code trait Message { type Result }})
 */
public interface Message<R> {
}
