package io.airssys.rt.ref;

import io.airssys.rt.ActorId;
import io.airssys.rt.ActorRef;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Request;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behavior;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.broker.SendOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ActorRef}: typed ask and tell over the broker, and {@link Behavior#narrow}. */
class ActorRefTest {

    /** A protocol in the generic-interface style. */
    sealed interface Account<R> extends Request<Account<?>, R> permits GetBalance, Deposit, Note {
    }

    record GetBalance() implements Account<Double> {
    }

    record Deposit(double amount) implements Account<Void> {
    }

    record Note(String text) implements Account<String> {
    }

    /** A protocol in the marker style. */
    sealed interface Shop permits Buy {
    }

    record Buy(String item) implements Shop, Request<Shop, Integer> {
    }

    private final ActorSystem system = ActorSystem.builder().threads(1).build();

    @AfterEach
    void close() {
        system.close();
    }

    private Behavior<Account<?>> account(List<String> log) {
        double[] balance = {0};
        return Behaviors.receive()
                .on(GetBalance.class, g -> balance[0])
                .onTell(Deposit.class, d -> balance[0] += d.amount())
                .on(Note.class, (ctx, n) -> {
                    log.add(n.text() + "@" + ctx.headers().getOrDefault("trace", "-"));
                    return n.text();
                })
                .build()
                .narrow(Account.class);
    }

    private <P> ActorRef<P> spawn(Behavior<P> behavior) {
        return ActorRef.of(system.broker(), system.spawn(behavior).id(), behavior.protocol());
    }

    @Test
    void askInfersTheResultTypeAndTellIsFireAndForget() {
        List<String> log = new CopyOnWriteArrayList<>();
        ActorRef<Account<?>> account = spawn(account(log));

        account.tell(new Deposit(5));
        account.tell(new Deposit(2.5));
        CompletableFuture<Double> balance = account.ask(new GetBalance());

        assertThat(balance.join()).isEqualTo(7.5);
        assertThat(account.protocol()).isEqualTo(Account.class);
    }

    @Test
    void optionsReachTheHandler() {
        List<String> log = new CopyOnWriteArrayList<>();
        ActorRef<Account<?>> account = spawn(account(log));
        SendOptions options = SendOptions.DEFAULT.withHeader("trace", "t-1").withPriority(Priority.HIGH)
                .withTimeout(Duration.ofSeconds(5));

        assertThat(account.ask(new Note("a"), options).join()).isEqualTo("a");
        account.tell(new Deposit(1), options);
        assertThat(account.ask(new GetBalance()).join()).isEqualTo(1.0);
        assertThat(log).containsExactly("a@t-1");
    }

    @Test
    void markerStyleProtocolsWorkToo() {
        ActorRef<Shop> shop = spawn(Behaviors.receive().on(Buy.class, b -> b.item().length()).build()
                .narrow(Shop.class));

        CompletableFuture<Integer> n = shop.ask(new Buy("apple"));

        assertThat(n.join()).isEqualTo(5);
    }

    @Test
    void aRefIsTheBrokersIdBasedSendWithTheSameErrors() {
        ActorRef<Account<?>> gone = ActorRef.of(system.broker(), ActorId.newId(), Account.class);

        assertThatThrownBy(() -> gone.tell(new Deposit(1)))
                .isInstanceOfSatisfying(SendException.class, e -> assertThat(e.error()).isEqualTo(SendError.ACTOR_NOT_FOUND));
        assertThat(gone.ask(new GetBalance())).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().havingCause().isInstanceOf(SendException.class);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aMessageOutsideTheProtocolSmuggledInThroughRawTypesIsRefusedByName() {
        ActorRef<Shop> shop = spawn(Behaviors.receive().on(Buy.class, b -> 1).build().narrow(Shop.class));
        ActorRef raw = shop;

        assertThatThrownBy(() -> raw.ask((Request) new GetBalance()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(GetBalance.class.getName()).hasMessageContaining(Shop.class.getName());
    }

    @Test
    void narrowRefusesATypeOutsideTheBehaviorsProtocol() {
        Behavior<Account<?>> account = account(new CopyOnWriteArrayList<>());

        assertThatThrownBy(() -> account.narrow(Shop.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Shop.class.getName());
        // a behavior for every Message narrows to any protocol, marker interfaces included
        assertThat(Behaviors.receive().build().narrow(Shop.class).protocol()).isEqualTo(Shop.class);
    }

    @Test
    void refsAreValuesEqualByActorAndBroker() {
        ActorId id = ActorId.of(42);
        try (InMemoryMessageBroker other = new InMemoryMessageBroker()) {
            assertThat(ActorRef.of(system.broker(), id, Account.class))
                    .isEqualTo(ActorRef.of(system.broker(), id, Account.class))
                    .hasSameHashCodeAs(ActorRef.of(system.broker(), id, Account.class))
                    .isNotEqualTo(ActorRef.of(other, id, Account.class))
                    .hasToString("ActorRef[" + id + ": Account]");
        }
    }
}
