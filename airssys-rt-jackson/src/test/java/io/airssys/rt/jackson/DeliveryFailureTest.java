package io.airssys.rt.jackson;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.spi.DeliveryFailure;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Core's {@link DeliveryFailure}: every delivery failure as plain data and back, without a codec. */
class DeliveryFailureTest {

    private static final ActorId ACTOR = ActorId.of(ActorId.FIRST_GENERATED + 7);

    @Test
    void aSendExceptionBecomesItsCodeActorTypeAndDetail() {
        for (SendError error : SendError.values()) {
            SendException e = new SendException(error, ACTOR, "GetBalance", "why " + error, new RuntimeException("x"));
            DeliveryFailure f = DeliveryFailure.of(e);
            assertThat(f).isEqualTo(new DeliveryFailure(error.name(), ACTOR.asLong(), "GetBalance", "why " + error,
                    null, null));
            SendException back = (SendException) f.toException();
            assertThat(back.error()).isEqualTo(error);
            assertThat(back.actorId()).isEqualTo(ACTOR);
            assertThat(back.getMessage()).isEqualTo(e.getMessage());
            assertThat(back.getCause()).as("the local cause does not cross").isNull();
        }
    }

    @Test
    void aBrokerExceptionBecomesItsCodeActorAndDetail() {
        for (BrokerError error : BrokerError.values()) {
            BrokerException e = new BrokerException(error, null, "why " + error);
            DeliveryFailure f = DeliveryFailure.of(e);
            assertThat(f).isEqualTo(new DeliveryFailure(error.name(), null, null, "why " + error, null, null));
            BrokerException back = (BrokerException) f.toException();
            assertThat(back.error()).isEqualTo(error);
            assertThat(back.actorId()).isNull();
            assertThat(back.isBrokerClosed()).isEqualTo(error == BrokerError.BROKER_CLOSED);
            assertThat(back.getMessage()).isEqualTo(e.getMessage());
        }
    }

    @Test
    void anActorFailureBecomesTheCauseClassNameAndMessage() {
        ActorFailedException e = new ActorFailedException(ACTOR, "Deposit", new IllegalArgumentException("negative"));
        DeliveryFailure f = DeliveryFailure.of(e);
        assertThat(f).isEqualTo(new DeliveryFailure(ActorFailedException.CODE, ACTOR.asLong(), "Deposit", null,
                IllegalArgumentException.class.getName(), "negative"));
        ActorFailedException back = (ActorFailedException) f.toException();
        assertThat(back.causeClassName()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(back.causeMessage()).isEqualTo("negative");
        assertThat(back.getCause()).isNull();
        assertThat(back.getMessage()).isEqualTo(e.getMessage());

        DeliveryFailure noMessage = DeliveryFailure.of(new ActorFailedException(ACTOR, "Deposit", new NullPointerException()));
        assertThat(noMessage.causeMessage()).isNull();
        assertThat(((ActorFailedException) noMessage.toException()).causeMessage()).isNull();
    }

    @Test
    void anActorFailureWithoutACauseClassStillRebuilds() {
        DeliveryException e = new DeliveryFailure(ActorFailedException.CODE, null, "Deposit", null, null, null)
                .toException();
        assertThat(e).isInstanceOf(ActorFailedException.class);
        assertThat(((ActorFailedException) e).causeClassName()).isEqualTo("unknown");
    }

    @Test
    void aCodeThisVersionDoesNotKnowIsARoutingFailureThatNamesIt() {
        DeliveryException e = new DeliveryFailure("FROM_THE_FUTURE", 3L, "X", "detail", null, null).toException();
        assertThat(e).isInstanceOf(BrokerException.class);
        assertThat(((BrokerException) e).error()).isEqualTo(BrokerError.ROUTING_FAILED);
        assertThat(e.actorId()).isEqualTo(ActorId.of(3));
        assertThat(e.getMessage()).contains("FROM_THE_FUTURE", "detail");
    }

    @Test
    void theCodeIsRequired() {
        assertThatThrownBy(() -> new DeliveryFailure(null, null, null, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("code");
    }

    @Test
    void aRemoteMailboxFullStaysStacklessLikeTheLocalOne() {
        SendException local = new SendException(SendError.MAILBOX_FULL, ActorId.of(7), "Tick", "full", null, false);

        DeliveryException rebuilt = DeliveryFailure.of(local).toException();

        assertThat(rebuilt).isInstanceOf(SendException.class);
        assertThat(rebuilt.getStackTrace()).isEmpty();
        assertThat(DeliveryFailure.of(new SendException(SendError.TIMEOUT, ActorId.of(7), "Tick", "late", null))
                .toException().getStackTrace()).isNotEmpty();
    }
}
