package io.airssys.rt.spi;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.ActorFailedException;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;

import java.util.Objects;

/**
 * A {@link DeliveryException} as plain data (strings and a number), so a failure on the node
 * that owns an actor becomes the same typed exception for a caller on another node. Every
 * {@link MessageCodec} carries it, under {@link MessageTypes#FAILURE}.
 *
 * <p>{@code DeliveryFailure.of(e).toException()} gives back an exception of the same class with
 * the same code, actor, message type and detail (for {@link ActorFailedException}: the cause's
 * class name and message, since the cause itself does not cross).
 *
 * @param code            {@link DeliveryException#code()}: a {@link SendError} or {@link BrokerError}
 *                        name, or {@link ActorFailedException#CODE}
 * @param actorId         the actor's {@link ActorId#asLong()}, or {@code null} if none
 * @param messageType     the message's type as the exception named it, or {@code null}
 * @param detail          the detail of a send or broker failure, or {@code null}
 * @param causeClassName  the handler's throwable class name ({@code ACTOR_FAILED} only)
 * @param causeMessage    the handler's throwable message ({@code ACTOR_FAILED} only, may be {@code null})
 */
public record DeliveryFailure(String code, Long actorId, String messageType, String detail,
                              String causeClassName, String causeMessage) {

    /** Checks the code is there. */
    public DeliveryFailure {
        Objects.requireNonNull(code, "code");
    }

    /**
     * Describes a failure.
     *
     * @param e the failure
     * @return it as plain data
     */
    public static DeliveryFailure of(DeliveryException e) {
        Long id = e.actorId() == null ? null : e.actorId().asLong();
        return switch (e) {
            case SendException s -> new DeliveryFailure(s.code(), id, s.messageType(), s.detail(), null, null);
            case BrokerException b -> new DeliveryFailure(b.code(), id, null, b.detail(), null, null);
            case ActorFailedException a -> new DeliveryFailure(a.code(), id, a.messageType(), null,
                    a.causeClassName(), a.causeMessage());
        };
    }

    /**
     * Makes the typed exception this failure describes. A code this version does not know (sent
     * by a newer node) becomes a {@link BrokerException} of {@link BrokerError#ROUTING_FAILED}
     * that names it, never a silent success.
     *
     * @return the exception, for a caller's future
     */
    public DeliveryException toException() {
        ActorId id = actorId == null ? null : ActorId.of(actorId);
        if (ActorFailedException.CODE.equals(code)) {
            return new ActorFailedException(id, messageType,
                    causeClassName == null ? "unknown" : causeClassName, causeMessage);
        }
        for (SendError e : SendError.values()) {
            if (e.name().equals(code)) {
                // MAILBOX_FULL stays stackless, as it is on the node that refused it
                return new SendException(e, id, messageType, detail, null, e != SendError.MAILBOX_FULL);
            }
        }
        for (BrokerError e : BrokerError.values()) {
            if (e.name().equals(code)) {
                return new BrokerException(e, id, detail);
            }
        }
        return new BrokerException(BrokerError.ROUTING_FAILED, id,
                "another node reported a failure this version does not know: " + code + ": " + detail);
    }
}
