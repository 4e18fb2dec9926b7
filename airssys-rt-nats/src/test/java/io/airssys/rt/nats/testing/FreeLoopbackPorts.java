package io.airssys.rt.nats.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Distinct TCP ports that are free on 127.0.0.1 right now: each is found by binding port 0, and all sockets
 * are held open until every port is chosen, so one call never returns the same port twice. Another process
 * may still take a port before nats-server binds it; {@link NatsCluster} then starts again on fresh ports.
 */
final class FreeLoopbackPorts {

    private FreeLoopbackPorts() {
    }

    static int[] pick(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("could not find " + count + " free ports on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port is released either way when this test JVM exits
                }
            }
        }
    }
}
