package io.airssys.rt.nats.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a nats-server's HTTP monitoring endpoints ({@code -m <port>}) to tell when it is ready:
 * {@code /healthz} (the server accepts clients and JetStream is up), {@code /routez} (how many cluster
 * routes are connected) and {@code /jsz} (which server is the JetStream meta leader). A server that does not
 * answer yet reads as "not ready", never as an error: callers poll until their own deadline.
 */
final class NatsMonitor implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Pattern NUM_ROUTES = Pattern.compile("\"num_routes\"\\s*:\\s*(\\d+)");
    private static final Pattern META_LEADER = Pattern.compile("\"meta_cluster\"\\s*:\\s*\\{[^}]*\"leader\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** One server's state as its monitoring port reports it; {@code describe()} is for error messages. */
    record Status(boolean healthy, int routes, String metaLeader) {
        static final Status UNREACHABLE = new Status(false, -1, null);

        String describe() {
            if (this == UNREACHABLE) {
                return "monitoring port not answering";
            }
            return "healthz " + (healthy ? "ok" : "not ok") + ", " + routes + " route(s), JetStream meta leader "
                    + (metaLeader == null ? "not elected" : metaLeader);
        }
    }

    Status status(int monitorPort, boolean clustered) {
        String health = get(monitorPort, "/healthz");
        if (health == null) {
            return Status.UNREACHABLE;
        }
        boolean healthy = health.contains("\"status\":\"ok\"") || health.contains("\"status\": \"ok\"");
        if (!clustered) {
            return new Status(healthy, 0, null);
        }
        String routez = get(monitorPort, "/routez");
        String jsz = get(monitorPort, "/jsz");
        int routes = -1;
        if (routez != null) {
            Matcher matcher = NUM_ROUTES.matcher(routez);
            if (matcher.find()) {
                routes = Integer.parseInt(matcher.group(1));
            }
        }
        String leader = null;
        if (jsz != null) {
            Matcher matcher = META_LEADER.matcher(jsz);
            if (matcher.find()) {
                leader = matcher.group(1);
            }
        }
        return new Status(healthy, routes, leader);
    }

    /** The body of the answer (whatever its status), or null when the server does not answer (yet). */
    private String get(int monitorPort, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + path))
                .timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NatsServerStartException("interrupted while waiting for nats-server on monitoring port "
                    + monitorPort, e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}

