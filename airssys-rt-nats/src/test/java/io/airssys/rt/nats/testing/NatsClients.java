package io.airssys.rt.nats.testing;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A few jnats connections closed together, for try-with-resources in tests. {@link Connection#close()}
 * declares {@code InterruptedException}, which makes {@code -Xlint:try} (and so {@code -Werror}) reject a
 * connection as a try resource; this holder's {@link #close()} does not declare it (it restores the
 * interrupt flag instead) and closes every connection even when one fails.
 */
public final class NatsClients implements AutoCloseable {

    private final List<Connection> connections;

    private NatsClients(List<Connection> connections) {
        this.connections = List.copyOf(connections);
    }

    /** Connects once per options, in order; closes those already open if one fails. */
    public static NatsClients connect(Options... options) throws IOException, InterruptedException {
        List<Connection> opened = new ArrayList<>(options.length);
        try {
            for (Options option : options) {
                opened.add(Nats.connect(option));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            new NatsClients(opened).close();
            throw e;
        }
        return new NatsClients(opened);
    }

    /** Takes ownership of connections opened elsewhere. */
    public static NatsClients of(Connection... connections) {
        return new NatsClients(List.of(connections));
    }

    /** The {@code i}-th connection, in the order given. */
    public Connection get(int i) {
        return connections.get(i);
    }

    /** Every connection, in the order given. */
    public List<Connection> all() {
        return connections;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
