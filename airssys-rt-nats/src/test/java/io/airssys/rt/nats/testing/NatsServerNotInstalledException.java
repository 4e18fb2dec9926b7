package io.airssys.rt.nats.testing;

import java.io.Serial;
import java.nio.file.Path;
import java.util.List;

/**
 * No {@code nats-server} executable was found. The message says where it was looked for and how to install
 * it: the tests of the NATS broker are never skipped for want of a server, they fail with this.
 */
public final class NatsServerNotInstalledException extends IllegalStateException {

    @Serial
    private static final long serialVersionUID = 1L;

    NatsServerNotInstalledException(List<Path> searched) {
        super("nats-server is not installed: the tests of airssys-rt-nats start real nats-server processes"
                + " (2.9 or newer, JetStream). Looked for it on PATH and in " + searched + ". Install it with"
                + " `sudo apt-get install nats-server` (Debian/Ubuntu), or run `scripts/ensure-nats-server.sh`"
                + " as root from the repository root, or put a nats-server binary on PATH, or name one with -D"
                + NatsServerBinary.PROPERTY + "=/path/to/nats-server.");
    }
}
