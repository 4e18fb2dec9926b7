package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.mailbox.Mailbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The error model of issue 10: one supertype for every delivery failure, a helper that takes
 * the future's wrappers off, and the README's error table, row by row where the contract
 * suite does not already cover it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorModelTest {

    record Ping() implements Message<Integer> {
    }

    record Fire() implements Message<Void> {
    }

    @Test
    void aRejectedTrySendIsStacklessAndKeepsItsMessage() {
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker()) {
            ActorId id = ActorId.newId();
            broker.register(id, Mailbox.bounded(1)); // no actor attached: nothing drains it
            broker.trySend(id, new Fire());
            Throwable t = catchThrowable(() -> broker.trySend(id, new Fire()));
            assertThat(t).isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.error()).isEqualTo(SendError.MAILBOX_FULL);
                assertThat(e.getStackTrace()).isEmpty();
                assertThat(e.getMessage()).isEqualTo("MAILBOX_FULL: " + id
                        + " did not accept Fire: its bounded mailbox holds 1 messages (FAIL); retry later or raise the capacity");
            });
            Throwable viaFuture = DeliveryException.unwrap(catchThrowable(broker.send(id, new Ping())::join));
            assertThat(viaFuture).isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.error()).isEqualTo(SendError.MAILBOX_FULL);
                assertThat(e.getStackTrace()).isEmpty();
            });
            assertThat(broker.deadLetters().totalCount()).isEqualTo(2);
        }
    }

    @Test
    void oneCatchHandlesEveryKindOfDeliveryFailure() {
        DeliveryException send = new SendException(SendError.TIMEOUT, ActorId.newId(), "Ping", "late", null);
        DeliveryException broker = new BrokerException(BrokerError.ROUTING_FAILED, null, "no route");
        DeliveryException failed = new ActorFailedException(ActorId.newId(), "Ping", new IllegalStateException("x"));
        assertThat(send.code()).isEqualTo("TIMEOUT");
        assertThat(broker.code()).isEqualTo("ROUTING_FAILED");
        assertThat(failed.code()).isEqualTo(ActorFailedException.CODE);
        assertThat(new BrokerException(BrokerError.BROKER_CLOSED, null, "closed").isBrokerClosed()).isTrue();
        assertThat(broker.isBrokerClosed()).isFalse();
    }

    @Test
    void unwrapTakesOffNestedCompletionAndExecutionExceptions() {
        SendException inner = new SendException(SendError.ACTOR_NOT_FOUND, ActorId.newId(), "Ping", "gone", null);
        Throwable wrapped = new CompletionException(new ExecutionException(new CompletionException(inner)));
        assertThat(DeliveryException.unwrap(wrapped)).isSameAs(inner);
        assertThat(DeliveryException.of(wrapped)).containsSame(inner);
        assertThat(DeliveryException.of(inner)).containsSame(inner);
        assertThat(DeliveryException.of(new CompletionException(new CancellationException()))).isEmpty();
        CompletionException empty = new CompletionException("no cause", null);
        assertThat(DeliveryException.unwrap(empty)).isSameAs(empty);
        assertThat(DeliveryException.of(null)).isEmpty();
    }

    @Test
    void aFailedSendIsFoundBehindJoinAndGet() {
        try (InMemoryMessageBroker broker = new InMemoryMessageBroker()) {
            ActorId ghost = ActorId.newId();
            CompletableFuture<Integer> f = broker.send(ghost, new Ping());
            Throwable joined = catchThrowable(f::join);
            Throwable got = catchThrowable(f::get);
            assertThat(DeliveryException.of(joined)).get().isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.error()).isEqualTo(SendError.ACTOR_NOT_FOUND);
                assertThat(e.actorId()).isEqualTo(ghost);
            });
            assertThat(DeliveryException.of(got)).get().isSameAs(DeliveryException.of(joined).orElseThrow());
        }
    }

    @Test
    void aHandlerFailureRebuiltFromStringsKeepsWhatTheCallerReads() {
        ActorId id = ActorId.newId();
        ActorFailedException local = new ActorFailedException(id, "Ping", new IllegalArgumentException("bad amount"));
        ActorFailedException remote = new ActorFailedException(id, "Ping", local.causeClassName(), local.causeMessage());
        assertThat(local.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage("bad amount");
        assertThat(remote.getCause()).isNull();
        assertThat(remote.causeClassName()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(remote.causeMessage()).isEqualTo("bad amount");
        assertThat(remote.getMessage()).isEqualTo(local.getMessage())
                .isEqualTo("ACTOR_FAILED: " + id + " failed on Ping: java.lang.IllegalArgumentException: bad amount");
    }
}
