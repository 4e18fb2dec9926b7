package io.airssys.rt.internal.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;
import io.airssys.rt.Registration;
import io.airssys.rt.broker.BrokerListener;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The listeners of one broker, as one {@link BrokerListener}.
 *
 * <p>The send path reads {@link #current()}, a volatile field: {@link BrokerListener#NONE} while
 * nobody listens (the path then skips building what only a listener needs), otherwise an
 * immutable array wrapper. Adding and removing copy the array under a lock, so the readers never
 * lock and never see a half-built array. Each listener call is isolated from the others'
 * exceptions and errors (an {@code AssertionError} from a test's listener must not break a send
 * after it was counted), except a {@link VirtualMachineError}, which no listener can make safe.
 */
public final class ListenerChain {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.broker");

    private final ReentrantLock lock = new ReentrantLock();
    private volatile BrokerListener current = BrokerListener.NONE;

    /**
     * Returns every listener as one, or {@link BrokerListener#NONE} when there is none.
     *
     * @return the listener to call
     */
    public BrokerListener current() {
        return current;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return removes it (idempotent)
     */
    public Registration add(BrokerListener listener) {
        Objects.requireNonNull(listener, "listener");
        lock.lock();
        try {
            current = Several.with(current, listener);
        } finally {
            lock.unlock();
        }
        AtomicBoolean removed = new AtomicBoolean();
        return () -> {
            if (removed.compareAndSet(false, true)) {
                lock.lock();
                try {
                    current = Several.without(current, listener);
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    /** Several listeners as one, each call isolated. */
    private record Several(BrokerListener[] all) implements BrokerListener {

        private static void ignore(Throwable t) {
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
            LOG.log(System.Logger.Level.WARNING, "a broker listener threw; ignored", t);
        }

        static BrokerListener with(BrokerListener current, BrokerListener added) {
            if (current == NONE) {
                return new Several(new BrokerListener[] {added});
            }
            BrokerListener[] old = ((Several) current).all;
            BrokerListener[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = added;
            return new Several(next);
        }

        static BrokerListener without(BrokerListener current, BrokerListener removed) {
            if (current == NONE) {
                return NONE;
            }
            BrokerListener[] left = Arrays.stream(((Several) current).all).filter(l -> l != removed)
                    .toArray(BrokerListener[]::new);
            return left.length == 0 ? NONE : new Several(left);
        }

        @Override
        public void onSend(ActorId target, Message<?> message, Priority priority) {
            for (BrokerListener l : all) {
                try {
                    l.onSend(target, message, priority);
                } catch (Throwable t) {
                    ignore(t);
                }
            }
        }

        @Override
        public void onBroadcast(Message<?> message, List<ActorId> targets) {
            for (BrokerListener l : all) {
                try {
                    l.onBroadcast(message, targets);
                } catch (Throwable t) {
                    ignore(t);
                }
            }
        }

        @Override
        public void onPublish(String topic, Message<?> message, List<ActorId> targets) {
            for (BrokerListener l : all) {
                try {
                    l.onPublish(topic, message, targets);
                } catch (Throwable t) {
                    ignore(t);
                }
            }
        }
    }
}
