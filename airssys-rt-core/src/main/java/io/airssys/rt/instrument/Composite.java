package io.airssys.rt.instrument;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;

import java.util.Map;
import java.util.Objects;

/**
 * Several instrumentations as one ({@link Instrumentation#compose}). Each part's tokens travel in
 * one array, slot {@code i} for part {@code i}; each call is isolated, so a part that throws
 * neither stops the others nor loses their tokens.
 */
final class Composite implements Instrumentation {

    private static final System.Logger LOG = System.getLogger("io.airssys.rt.instrument");

    private final Instrumentation[] parts;

    private Composite(Instrumentation[] parts) {
        this.parts = parts;
    }

    static Instrumentation of(Instrumentation... parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.length == 0) {
            throw new IllegalArgumentException("compose needs at least one instrumentation");
        }
        for (int i = 0; i < parts.length; i++) {
            Objects.requireNonNull(parts[i], "instrumentation " + i + " of compose(...) is null");
        }
        return parts.length == 1 ? parts[0] : new Composite(parts.clone());
    }

    static void ignore(String hook, Throwable t) {
        if (t instanceof VirtualMachineError vme) {
            throw vme;
        }
        LOG.log(System.Logger.Level.WARNING, "instrumentation hook " + hook + " threw; ignored", t);
    }

    private static Object slot(Object tokens, int i) {
        return tokens instanceof Object[] a && a.length > i ? a[i] : null;
    }

    @Override
    public Object onSend(ActorId target, Object message, Priority priority, Map<String, String> headers) {
        Object[] tokens = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                tokens[i] = parts[i].onSend(target, message, priority, headers);
            } catch (Throwable t) {
                ignore("onSend", t);
            }
        }
        return tokens;
    }

    @Override
    public Object onProcessStart(ActorId actor, Object message, Object sendToken, long queuedNanos) {
        Object[] tokens = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                tokens[i] = parts[i].onProcessStart(actor, message, slot(sendToken, i), queuedNanos);
            } catch (Throwable t) {
                ignore("onProcessStart", t);
            }
        }
        return tokens;
    }

    @Override
    public void onProcessEnd(ActorId actor, Object message, Object processToken, long processingNanos,
                             Throwable failure) {
        // ended in reverse order of the starts, so scopes opened by the starts nest
        for (int i = parts.length - 1; i >= 0; i--) {
            try {
                parts[i].onProcessEnd(actor, message, slot(processToken, i), processingNanos, failure);
            } catch (Throwable t) {
                ignore("onProcessEnd", t);
            }
        }
    }

    @Override
    public void onOutcome(Object message, Object sendToken, Outcome outcome, Throwable error) {
        for (int i = 0; i < parts.length; i++) {
            try {
                parts[i].onOutcome(message, slot(sendToken, i), outcome, error);
            } catch (Throwable t) {
                ignore("onOutcome", t);
            }
        }
    }

    @Override
    public void onRegister(ActorId actor) {
        for (Instrumentation p : parts) {
            try {
                p.onRegister(actor);
            } catch (Throwable t) {
                ignore("onRegister", t);
            }
        }
    }

    @Override
    public void onUnregister(ActorId actor) {
        for (Instrumentation p : parts) {
            try {
                p.onUnregister(actor);
            } catch (Throwable t) {
                ignore("onUnregister", t);
            }
        }
    }
}
