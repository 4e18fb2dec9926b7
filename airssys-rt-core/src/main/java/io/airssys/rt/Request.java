package io.airssys.rt;

/**
 * A message that names the protocol it belongs to, so that an {@link ActorRef} of that protocol
 * accepts it at compile time and infers its result type.
 *
 * <p>The usual shape: one generic interface per protocol, each message implementing it with its
 * result type.
 *
 * <pre>{@code
 * sealed interface Account<R> extends Request<Account<?>, R> permits GetBalance, Deposit {}
 * record GetBalance() implements Account<Double> {}
 * record Deposit(double amount) implements Account<Void> {}
 *
 * ActorRef<Account<?>> account = system.spawn(accountBehavior);
 * CompletableFuture<Double> balance = account.ask(new GetBalance());
 * account.tell(new Deposit(10));
 * account.ask(new Ping());                               // does not compile: not an Account message
 * }</pre>
 *
 * A marker interface works too: {@code record Buy(String item) implements Shop,
 * Request<Shop, Integer>}. A {@code Request} is a {@link Message}, so every {@code ActorId}-based
 * method of the broker takes it as well.
 *
 * @param <P> the protocol: the type an {@link ActorRef} of the receiving actor is parameterized with
 * @param <R> the result type, as for {@link Message}
 */
public interface Request<P, R> extends Message<R> {
}
