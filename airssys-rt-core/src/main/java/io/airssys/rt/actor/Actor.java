package io.airssys.rt.actor;

/**
 * An actor: state plus a handler that processes one message at a time.
 *
 * <p>The runtime never calls {@link #receive} for two messages at once and never concurrently
 * with {@link #preStart} or {@link #postStop}, so an actor's fields need no locks. Each
 * message gets a {@link Handled} answer whose type the compiler checks against the
 * message's result type. A sealed protocol is handled with an exhaustive {@code switch}:
 *
 * <pre>{@code
 * sealed interface AccountProtocol permits Deposit, GetBalance {}
 * record Deposit(double amount) implements AccountProtocol, Message<Void> {}
 * record GetBalance(long accountId) implements AccountProtocol, Message<Double> {}
 *
 * final class Account implements Actor<AccountProtocol> {
 *     private double balance;
 *     public Handled receive(ActorContext ctx, AccountProtocol message) {
 *         return switch (message) {
 *             case Deposit d -> { balance += d.amount(); yield Handled.done(d); }
 *             case GetBalance g -> Handled.reply(g, balance);
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>For a handler-per-type style see {@link Behaviors#receive()}.
 *
 * @param <P> the messages this actor accepts (its protocol)
 */
@FunctionalInterface
public interface Actor<P> {

    /**
     * Processes one message.
     *
     * @param ctx     this actor's context: its id, the broker, stop
     * @param message the message, an instance of the protocol
     * @return the answer: {@link Handled#reply}, {@link Handled#replyLater}, {@link Handled#done}
     *         or {@link Handled#unhandled()}
     * @throws Exception fails this message's future with the exception; what happens to the
     *                   actor then is decided by {@link #onFailure}
     */
    Handled receive(ActorContext ctx, P message) throws Exception;

    /**
     * Called once before the first message, on the actor's executor. If it throws, the actor
     * stops and queued messages fail with {@link io.airssys.rt.broker.SendError#ACTOR_STOPPED}.
     *
     * @param ctx this actor's context
     * @throws Exception to refuse to start
     */
    default void preStart(ActorContext ctx) throws Exception {
    }

    /**
     * Called once after the last message, when the actor stops (unregistered, stopped itself,
     * restarted, or the broker closed). Exceptions are logged and otherwise ignored.
     *
     * @param ctx this actor's context
     * @throws Exception logged
     */
    default void postStop(ActorContext ctx) throws Exception {
    }

    /**
     * Decides what happens to the actor after its handler threw. The failing message's future
     * has already failed with {@code error}. The default keeps the actor running.
     *
     * @param ctx     this actor's context
     * @param message the message whose handler threw
     * @param error   what it threw
     * @return {@link Directive#RESUME} (default), {@link Directive#RESTART} or {@link Directive#STOP}
     */
    default Directive onFailure(ActorContext ctx, Object message, Throwable error) {
        return Directive.RESUME;
    }
}
