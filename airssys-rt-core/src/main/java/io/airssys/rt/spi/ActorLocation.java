package io.airssys.rt.spi;

import io.airssys.rt.ActorId;
import io.airssys.rt.mailbox.Mailbox;

import java.util.Objects;

/**
 * Where an actor lives, as an {@link ActorDirectory} resolves it: a mailbox in this JVM, or
 * another node of the cluster.
 */
public sealed interface ActorLocation permits ActorLocation.Local, ActorLocation.Remote {

    /**
     * The actor lives in this JVM, on this mailbox.
     *
     * @param mailbox the actor's mailbox
     */
    record Local(Mailbox<?> mailbox) implements ActorLocation {
        /** Checks the mailbox is there. */
        public Local {
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /**
     * The actor lives on another node; messages to it travel there.
     *
     * @param node the owning node's number, {@code 0..}{@link ActorId#MAX_NODE}
     */
    record Remote(int node) implements ActorLocation {
        /** Checks the node number is in range. */
        public Remote {
            if (node < 0 || node > ActorId.MAX_NODE) {
                throw new IllegalArgumentException("node must be in 0.." + ActorId.MAX_NODE + ", was " + node);
            }
        }
    }
}
