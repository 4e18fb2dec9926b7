package io.airssys.rt.broker;

import io.airssys.rt.ActorId;

import java.io.Serial;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Every way a message can fail to reach an actor or to be answered, as one type: one
 * {@code catch (DeliveryException e)} handles them all.
 *
 * <p>Three kinds, told apart by their class, each with a stable {@link #code() code}:
 * <ul>
 *   <li>{@link SendException}: the message was not delivered or not answered ({@link SendError}:
 *       no such actor, the actor stopped, its mailbox was full, the send timed out);</li>
 *   <li>{@link BrokerException}: the broker refused the operation ({@link BrokerError}:
 *       registration conflicts, routing failures, and {@link BrokerError#BROKER_CLOSED}, the one
 *       signal for "the broker is closed" on every method);</li>
 *   <li>{@link ActorFailedException}: the message was delivered and the actor's handler failed;
 *       the handler's throwable is the cause.</li>
 * </ul>
 *
 * <p>Futures returned by the broker complete exceptionally with one of these;
 * {@code join()} wraps it in a {@link CompletionException} and {@code get()} in an
 * {@link ExecutionException}. {@link #of(Throwable)} takes either wrapper off:
 *
 * <pre>{@code
 * try {
 *     broker.send(id, new GetBalance()).join();
 * } catch (CompletionException e) {
 *     DeliveryException failure = DeliveryException.of(e).orElseThrow();
 *     switch (failure) {
 *         case ActorFailedException a -> log(a.causeClassName(), a.causeMessage());
 *         case SendException s -> retryLater(s.error());
 *         case BrokerException b -> giveUp(b.error());
 *     }
 * }
 * }</pre>
 *
 * <p>Everything a receiver on another node needs to rebuild the exception is a string or an
 * enum name ({@link #code()}, the actor id, the message type, and for a handler failure the
 * cause's class name and message), so none of it depends on Java serialization.
 */
public abstract sealed class DeliveryException extends RuntimeException
        permits SendException, BrokerException, ActorFailedException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The actor concerned, or {@code null}; transient: a wire format carries its string form. */
    private final transient ActorId actorId;

    /**
     * Creates the exception.
     *
     * @param message            the full message text
     * @param cause              the underlying throwable, or {@code null}
     * @param actorId            the actor concerned, or {@code null}
     * @param writableStackTrace {@code false} for a stackless exception (cheap backpressure signals)
     */
    DeliveryException(String message, Throwable cause, ActorId actorId, boolean writableStackTrace) {
        super(message, cause, true, writableStackTrace);
        this.actorId = actorId;
    }

    /**
     * Returns the stable name of what went wrong: the name of the {@link SendError} or
     * {@link BrokerError}, or {@value ActorFailedException#CODE} for a failed handler.
     *
     * @return the code, never {@code null}
     */
    public abstract String code();

    /**
     * Returns the actor concerned.
     *
     * @return the actor id, or {@code null} if the failure concerned no single actor
     */
    public ActorId actorId() {
        return actorId;
    }

    /**
     * Returns whether this failure says the broker is closed ({@link BrokerError#BROKER_CLOSED}).
     *
     * @return {@code true} if the operation failed because the broker was closed
     */
    public boolean isBrokerClosed() {
        return false;
    }

    /**
     * Takes off the {@link CompletionException} and {@link ExecutionException} wrappers a
     * future puts around its failure, however deeply nested.
     *
     * @param failure what {@code join()}, {@code get()} or a {@code whenComplete} callback saw
     * @return the first throwable that is not such a wrapper (the wrapper itself if it has no cause)
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; depth < 64 && (t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null; depth++) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Returns the delivery failure behind {@code failure}, after {@link #unwrap(Throwable)}.
     *
     * @param failure what {@code join()}, {@code get()} or a {@code whenComplete} callback saw
     * @return the delivery failure, or empty if {@code failure} is something else (for example a
     *         {@link java.util.concurrent.CancellationException} from the caller's own cancel)
     */
    public static Optional<DeliveryException> of(Throwable failure) {
        return unwrap(failure) instanceof DeliveryException d ? Optional.of(d) : Optional.empty();
    }
}
