package io.airssys.rt.internal.delivery;

import java.util.LinkedHashSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lane lock of a bounded DROP_OLDEST or BLOCK mailbox, and for BLOCK the senders parked
 * behind it: one object (the lock is the set's holder), so such a mailbox needs one reference
 * for both and an idle mailbox of any kind stays small (see MailboxColdFields).
 */
final class LaneLock extends ReentrantLock {

    private static final long serialVersionUID = 1L;

    /**
     * BLOCK: parked senders, oldest first, guarded by this lock; {@code null} for DROP_OLDEST.
     * A set, so that a parked sender that times out or cancels leaves it at once.
     */
    final transient LinkedHashSet<Envelope> waiting;

    LaneLock(boolean parksSenders) {
        this.waiting = parksSenders ? new LinkedHashSet<>() : null;
    }
}
