package io.airssys.rt.internal.delivery;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.instrument.Outcome;

import java.util.Map;
import java.util.Objects;

/**
 * The user's {@link Instrumentation} as the broker calls it: a hook that throws is logged and
 * ignored (a throwing {@code onSend} or {@code onProcessStart} yields a {@code null} token), so
 * instrumentation can never break a delivery or skew the counters. A {@link VirtualMachineError}
 * still propagates: no hook can make it safe.
 *
 * <p>A broker without instrumentation holds {@code null} instead of an instance of this class,
 * and the hot path tests for {@code null} (see {@link Outcomes#hooks()}).
 */
final class InstrumentationGuard implements Instrumentation {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.instrument");

    private final Instrumentation user;

    InstrumentationGuard(Instrumentation user) {
        this.user = Objects.requireNonNull(user, "instrumentation");
    }

    private void ignore(String hook, Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        LOG.log(System.Logger.Level.WARNING, () -> "instrumentation " + user.getClass().getName() + "." + hook
                + " threw; ignored", t);
    }

    @Override
    public Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
        try {
            return user.onSend(target, message, priority, headers);
        } catch (Throwable t) {
            ignore("onSend", t);
            return null;
        }
    }

    @Override
    public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
        try {
            return user.onProcessStart(actor, message, sendToken, queuedNanos);
        } catch (Throwable t) {
            ignore("onProcessStart", t);
            return null;
        }
    }

    @Override
    public void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                             Throwable failure) {
        try {
            user.onProcessEnd(actor, message, processToken, processingNanos, failure);
        } catch (Throwable t) {
            ignore("onProcessEnd", t);
        }
    }

    @Override
    public void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
        try {
            user.onOutcome(message, sendToken, outcome, error);
        } catch (Throwable t) {
            ignore("onOutcome", t);
        }
    }

    @Override
    public void onRegister(ActorId actor) {
        try {
            user.onRegister(actor);
        } catch (Throwable t) {
            ignore("onRegister", t);
        }
    }

    @Override
    public void onUnregister(ActorId actor) {
        try {
            user.onUnregister(actor);
        } catch (Throwable t) {
            ignore("onUnregister", t);
        }
    }
}
