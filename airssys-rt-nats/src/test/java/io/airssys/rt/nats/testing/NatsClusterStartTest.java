package io.airssys.rt.nats.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a start fails and how it recovers from a port clash, with stand-in executables (shell scripts) in
 * place of nats-server, so each case is deterministic.
 */
class NatsClusterStartTest {

    @TempDir
    Path dir;

    @Test
    void aServerThatExitsFailsAtOnceWithItsExitCodeLogTailAndLogPath() throws IOException {
        Path binary = script("broken", "echo 'nats-server: no such option -js' ; exit 3");

        assertThatThrownBy(() -> builder(binary).start())
                .isInstanceOf(NatsServerStartException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("no such option -js")
                .hasMessageContaining(dir.resolve("logs").toString())
                .hasMessageContaining("n0.log");
    }

    @Test
    void aServerThatNeverBecomesReadyFailsAfterTheTimeoutSayingWhatItSaw() throws IOException {
        Path binary = script("silent", "exec sleep 30");

        assertThatThrownBy(() -> builder(binary).startTimeout(Duration.ofMillis(300)).start())
                .isInstanceOf(NatsServerStartException.class)
                .hasMessageContaining("was not ready within 300 ms")
                .hasMessageContaining("monitoring port not answering")
                .hasMessageContaining("n0.log");
    }

    @Test
    void aPortTakenBetweenPickAndBindMakesTheClusterStartAgainOnFreshPorts() throws IOException {
        Path marker = dir.resolve("clashed-once");
        Path binary = script("clash-once", "if [ ! -e '" + marker + "' ]; then touch '" + marker + "';"
                + " echo 'listen tcp 127.0.0.1:4222: bind: address already in use'; exit 1; fi;"
                + " exec '" + NatsServerBinary.locate() + "' \"$@\"");

        try (NatsCluster cluster = builder(binary).start()) {
            assertThat(cluster.isRunning(0)).isTrue();
            assertThat(Files.readString(cluster.logFile(0)))
                    .contains("address already in use").contains("Server is ready");
        }
    }

    @Test
    void closeStopsTheServersAndDeletesTheirStorageButKeepsTheLogs() throws Exception {
        NatsCluster cluster = NatsCluster.builder().logDirectory(dir.resolve("logs")).start();
        long pidsBefore = ProcessHandle.current().children().count();
        Path log = cluster.logFile(0);

        cluster.close();
        cluster.close();

        assertThat(cluster.isRunning(0)).isFalse();
        assertThat(ProcessHandle.current().children().count()).isLessThan(pidsBefore);
        assertThat(log).exists();
        assertThat(Files.list(Path.of(System.getProperty("java.io.tmpdir")))
                .filter(p -> p.getFileName().toString().startsWith("airssys-nats-" + cluster.name())))
                .isEmpty();
    }

    private NatsCluster.Builder builder(Path binary) {
        return NatsCluster.builder().binary(binary).logDirectory(dir.resolve("logs"));
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
