package io.airssys.rt.internal.topic;

import io.airssys.rt.internal.delivery.MpscMailbox;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the one subscriber a routed send goes to: the <em>power of two choices</em>. Two
 * distinct subscribers at random, and the one with fewer waiting messages wins (counted up to
 * {@value #BACKLOG_CAP}, racily: a hint). That keeps
 * queues short without a shared counter or a scan of every subscriber.
 */
public final class SubscriberChoice {

    /** Backlogs are compared up to this many messages: beyond it both count as "long". */
    static final int BACKLOG_CAP = 32;

    private SubscriberChoice() {
    }

    /**
     * Picks an open subscriber.
     *
     * @param subscribers the matching subscribers ({@link MpscMailbox}es), as the topic registry
     *                    matched them (possibly including one that left since)
     * @return the chosen mailbox, or {@code null} if none is open
     */
    public static MpscMailbox<?> pickOne(Object[] subscribers) {
        int n = subscribers.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            MpscMailbox<?> only = (MpscMailbox<?>) subscribers[0];
            return only.isClosed() ? null : only;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        MpscMailbox<?> a = (MpscMailbox<?>) subscribers[i];
        MpscMailbox<?> b = (MpscMailbox<?>) subscribers[j];
        if (!a.isClosed() && !b.isClosed()) {
            // a bounded hint, not size(): an unbounded mailbox keeps no counter and would be walked
            return b.backlogHint(BACKLOG_CAP) < a.backlogHint(BACKLOG_CAP) ? b : a;
        }
        for (int k = 0; k < n; k++) { // a subscriber left since the match was cached: find an open one
            MpscMailbox<?> m = (MpscMailbox<?>) subscribers[(i + k) % n];
            if (!m.isClosed()) {
                return m;
            }
        }
        return null;
    }
}
