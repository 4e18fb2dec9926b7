package io.airssys.rt.nats.testing;

import java.io.Serial;

/**
 * A {@code nats-server} process did not start, did not become ready in time, or did not join its cluster.
 * The message names the server, what was last observed, the tail of its log and the log file's path.
 */
public class NatsServerStartException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    NatsServerStartException(String message) {
        super(message);
    }

    NatsServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
