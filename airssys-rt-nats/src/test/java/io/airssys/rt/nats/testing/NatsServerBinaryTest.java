package io.airssys.rt.nats.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding nats-server, and the message when it is missing: the tests fail with advice, they never skip. */
class NatsServerBinaryTest {

    @Test
    void aMissingServerFailsWithHowToInstallIt(@TempDir Path empty) {
        Path other = empty.resolve("other");

        assertThatThrownBy(() -> NatsServerBinary.locate(empty.toString(), List.of(other)))
                .isInstanceOf(NatsServerNotInstalledException.class)
                .hasMessageContaining("nats-server is not installed")
                .hasMessageContaining("apt-get install nats-server")
                .hasMessageContaining("scripts/ensure-nats-server.sh")
                .hasMessageContaining(empty.toString())
                .hasMessageContaining(other.toString());
    }

    @Test
    void theFirstExecutableOnThePathWinsThenTheFallbacks(@TempDir Path root) throws IOException {
        Path first = Files.createDirectories(root.resolve("first"));
        Path second = Files.createDirectories(root.resolve("second"));
        Path fallback = Files.createDirectories(root.resolve("sbin"));
        Files.writeString(first.resolve("nats-server"), "not executable");
        Path onPath = executable(second.resolve("nats-server"));
        Path inFallback = executable(fallback.resolve("nats-server"));

        assertThat(NatsServerBinary.locate(first + File.pathSeparator + second, List.of(fallback))).isEqualTo(onPath);
        assertThat(NatsServerBinary.locate(first.toString(), List.of(fallback))).isEqualTo(inFallback);
        assertThat(NatsServerBinary.locate(null, List.of(fallback))).isEqualTo(inFallback);
    }

    @Test
    void thisMachineHasOne() {
        assertThat(NatsServerBinary.locate()).isExecutable();
    }

    private static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
