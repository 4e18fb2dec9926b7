package io.airssys.rt.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.ActorSystem;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.testkit.ManualExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docs/logging.md promises: airssys-rt logs through {@code System.Logger}, and with
 * {@code org.slf4j:slf4j-jdk-platform-logging} on the classpath its records arrive in the SLF4J
 * backend (logback here) under the documented logger names and levels, levels set in the
 * backend included. Runs in a JVM of its own (see this module's pom: the bridge is JVM-wide).
 */
class SystemLoggerToSlf4jTest {

    record Boom(String why) implements Message<Void> {
    }

    private final Logger actorLogger = (Logger) LoggerFactory.getLogger("io.airssys.rt.actor");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void captureTheActorLogger() {
        appender.start();
        actorLogger.addAppender(appender);
    }

    @AfterEach
    void release() {
        actorLogger.detachAppender(appender);
        actorLogger.setLevel(null); // back to the root's level
        appender.stop();
    }

    @Test
    void aFireAndForgetHandlerThatThrowsIsAWarningInTheSlf4jBackend() {
        // the JDK found the bridge: System.getLogger hands out SLF4J-backed loggers
        assertThat(System.getLogger("io.airssys.rt.actor").getClass().getName()).startsWith("org.slf4j.");

        ManualExecutor executor = new ManualExecutor();
        try (ActorSystem system = ActorSystem.builder().executor(executor).build()) {
            BrokerNode broker = system.broker();
            ActorId actor = system.spawn(Behaviors.receive()
                    .onTell(Boom.class, b -> {
                        throw new IllegalStateException(b.why());
                    })
                    .build()).id();
            executor.runAll(); // preStart
            broker.trySend(actor, new Boom("disk full"));
            executor.runAll(); // the handler throws on this thread; the record is logged here

            List<ILoggingEvent> events = List.copyOf(appender.list);
            assertThat(events).hasSize(1);
            ILoggingEvent event = events.getFirst();
            assertThat(event.getLoggerName()).isEqualTo("io.airssys.rt.actor");
            assertThat(event.getLevel()).isEqualTo(Level.WARN); // System.Logger WARNING
            assertThat(event.getFormattedMessage())
                    .contains(actor.toString())
                    .contains("failed on fire-and-forget")
                    .contains("Boom");
            assertThat(event.getThrowableProxy()).isNotNull();
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo("disk full");
            assertThat(broker.metrics().totalFailed()).isEqualTo(1); // counted as well as logged
        }
    }

    @Test
    void aLevelSetInTheBackendDecidesWhatAirssysRtLogs() {
        actorLogger.setLevel(Level.ERROR); // e.g. <logger name="io.airssys.rt.actor" level="ERROR"/>
        assertThat(System.getLogger("io.airssys.rt.actor").isLoggable(System.Logger.Level.WARNING)).isFalse();

        ManualExecutor executor = new ManualExecutor();
        try (ActorSystem system = ActorSystem.builder().executor(executor).build()) {
            ActorId actor = system.spawn(Behaviors.receive()
                    .onTell(Boom.class, b -> {
                        throw new IllegalStateException(b.why());
                    })
                    .build()).id();
            executor.runAll();
            system.broker().trySend(actor, new Boom("ignored"));
            executor.runAll();

            assertThat(appender.list).isEmpty();
            assertThat(system.broker().metrics().totalFailed()).isEqualTo(1); // still counted
        }
    }
}
