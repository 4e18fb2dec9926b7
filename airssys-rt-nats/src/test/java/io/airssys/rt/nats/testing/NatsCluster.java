package io.airssys.rt.nats.testing;

import io.nats.client.Options;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import static org.awaitility.Awaitility.await;

/**
 * One nats-server, or a cluster of several, as real processes on 127.0.0.1 for tests, each with JetStream
 * on its own temporary storage directory.
 *
 * <p>How it starts: every port (client, monitoring, cluster route) is picked free by binding port 0; each
 * server of a cluster gets {@code --cluster_name <unique> --cluster nats://127.0.0.1:<route port>
 * --routes <the others>}. It is ready when every server's monitoring port says {@code /healthz} ok and, for a
 * cluster, every server has a route to each other running server and knows the JetStream meta leader (so a
 * KV bucket with replicas 3 can be created at once). A port taken by someone else between the pick and the
 * bind makes the server exit with "address already in use"; the whole cluster then starts again on fresh
 * ports (at most {@value #START_ATTEMPTS} attempts), so test classes may start clusters in parallel.
 *
 * <p>Every wait is bounded ({@link Builder#startTimeout}, 20 s by default) and fails with a
 * {@link NatsServerStartException} naming the server, what was last seen, and its log file. Logs go to
 * {@code target/nats-servers/<cluster name>/<server>.log} (never the console) and are kept after
 * {@link #close()}; the storage directories are deleted.
 *
 * <p>Security for tests: {@link Builder#userPassword}, {@link Builder#token}, {@link Builder#tls()} and
 * {@link Builder#mutualTls()} (certificates made at start by {@link TestCertificates}); {@link #clientOptions()}
 * carries whatever the cluster requires, through jnats {@code Options}, never inside a URL. Logged command
 * lines show credentials as {@code ******}.
 *
 * <p>Fault injection for tests: {@link #stop(int)} (SIGTERM), {@link #kill(int)} (SIGKILL) and
 * {@link #restart(int)} (same ports and storage, waits until it is back in the cluster). Lifecycle methods
 * are serialized by a lock; {@link #urls()} may be read at any time.
 */
public final class NatsCluster implements AutoCloseable {

    static final int START_ATTEMPTS = 3;
    private static final long STOP_GRACE_MILLIS = 5_000;
    private static final long POLL_MILLIS = 50;
    /** The shortest wait for readiness, even when the deadline has passed (one poll). */
    private static final Duration MIN_WAIT = Duration.ofMillis(POLL_MILLIS);

    private final String name;
    private final Path binary;
    private final int size;
    private final NatsCredentials credentials;
    private final Tls tls;
    private final TestCertificates certificates;
    private final Duration startTimeout;
    private final Path logDirectory;
    private final Path storageRoot;
    private final NatsMonitor monitor = new NatsMonitor();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final List<NatsServerProcess> servers = new ArrayList<>();
    private Duration startupDuration;
    private boolean closed;

    private NatsCluster(Builder builder) {
        this.size = builder.servers;
        this.credentials = builder.credentials;
        this.tls = builder.tls;
        this.startTimeout = builder.startTimeout;
        this.name = builder.name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.binary = builder.binary != null ? builder.binary : NatsServerBinary.locate();
        this.logDirectory = (builder.logDirectory != null ? builder.logDirectory
                : Path.of(System.getProperty("user.dir"), "target", "nats-servers")).resolve(name).toAbsolutePath();
        try {
            this.storageRoot = Files.createTempDirectory("airssys-nats-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary JetStream storage directory", e);
        }
        try {
            this.certificates = tls == Tls.NONE ? null : TestCertificates.generate(storageRoot.resolve("tls"));
        } catch (RuntimeException e) {
            deleteRecursively(storageRoot);
            throw e;
        }
    }

    /** A builder for a cluster of one server (by default) or more. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts {@code servers} servers without authentication, with the default timeout. */
    public static NatsCluster start(int servers) {
        return builder().servers(servers).start();
    }

    /** The unique cluster name (also the name of its log directory). */
    public String name() {
        return name;
    }

    /** The number of servers, running or not. */
    public int size() {
        return size;
    }

    /** Every server's client URL, {@code nats://127.0.0.1:<port>}, in server order; a fresh array. */
    public String[] urls() {
        String[] urls = new String[size];
        for (int i = 0; i < size; i++) {
            urls[i] = url(i);
        }
        return urls;
    }

    /** Server {@code i}'s client URL; stays the same across {@link #restart(int)}. */
    public String url(int i) {
        return server(i).url();
    }

    /** The index of the server with this client URL (as {@code Connection.getConnectedUrl()} gives it). */
    public int indexOf(String url) {
        for (int i = 0; i < size; i++) {
            if (Objects.equals(server(i).url(), url)
                    || url != null && url.endsWith(":" + server(i).clientPort())) {
                return i;
            }
        }
        throw new IllegalArgumentException(url + " is not the client URL of a server of cluster " + name);
    }

    /** Server {@code i}'s log file (kept after {@link #close()}). */
    public Path logFile(int i) {
        return server(i).logFile();
    }

    /** The directory holding every server's log. */
    public Path logDirectory() {
        return logDirectory;
    }

    /** How long the first start took, up to every server being ready. */
    public Duration startupDuration() {
        return startupDuration;
    }

    /** Whether server {@code i}'s process is alive. */
    public boolean isRunning(int i) {
        return server(i).isAlive();
    }

    /**
     * Client options for every server of the cluster, with this cluster's credentials and TLS context if it
     * has them: add listeners, timeouts etc. and {@code build()}.
     */
    public Options.Builder clientOptions() {
        return secure(Options.builder().servers(urls()));
    }

    /** Client options for server {@code i} only (the client still learns the others from the server). */
    public Options.Builder clientOptions(int i) {
        return secure(Options.builder().server(url(i)));
    }

    /**
     * The test CA and certificates of a cluster started with {@link Builder#tls()} or
     * {@link Builder#mutualTls()}, e.g. for a client context that lacks the client certificate.
     *
     * @throws IllegalStateException if the cluster does not use TLS
     */
    public TestCertificates certificates() {
        if (certificates == null) {
            throw new IllegalStateException("cluster " + name + " does not use TLS: start it with tls() or mutualTls()");
        }
        return certificates;
    }

    private Options.Builder secure(Options.Builder options) {
        credentials.applyTo(options);
        if (certificates != null) {
            options.sslContext(certificates.clientContext(tls == Tls.MUTUAL));
        }
        return options;
    }

    /**
     * One connection to each of the given servers (in that order; a server may be named twice), with this
     * cluster's credentials and a 5 s connection timeout.
     */
    public NatsClients connect(int... servers) throws IOException, InterruptedException {
        Options[] options = new Options[servers.length];
        for (int k = 0; k < servers.length; k++) {
            options[k] = clientOptions(servers[k]).connectionTimeout(Duration.ofSeconds(5)).build();
        }
        return NatsClients.connect(options);
    }

    /** Stops server {@code i} gracefully (SIGTERM; SIGKILL after 5 s) and waits until it has exited. */
    public void stop(int i) {
        locked(() -> server(i).stop(STOP_GRACE_MILLIS));
    }

    /** Kills server {@code i} (SIGKILL, as a crash) and waits until it has exited. */
    public void kill(int i) {
        locked(() -> server(i).kill(STOP_GRACE_MILLIS));
    }

    /**
     * Starts server {@code i} again on the same ports and storage (stopping it first if it still runs) and
     * waits until it is ready and, in a cluster, routed to every other running server.
     */
    public void restart(int i) {
        locked(() -> {
            NatsServerProcess server = server(i);
            server.stop(STOP_GRACE_MILLIS);
            List<NatsServerProcess> expected = new ArrayList<>(servers.stream().filter(NatsServerProcess::isAlive).toList());
            expected.add(server);
            server.start();
            awaitReady(expected, System.nanoTime() + startTimeout.toNanos(), "restart of " + server.name());
        });
    }

    /** Stops every server, deletes the storage directories; the logs stay. Idempotent. */
    @Override
    public void close() {
        locked(() -> {
            if (closed) {
                return;
            }
            closed = true;
            stopAll();
            monitor.close();
            deleteRecursively(storageRoot);
        });
    }

    private NatsCluster startServers() {
        long began = System.nanoTime();
        NatsServerStartException lastClash = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                createServers(attempt);
                servers.forEach(NatsServerProcess::start);
                awaitReady(servers, System.nanoTime() + startTimeout.toNanos(), "start (attempt " + attempt + ")");
                startupDuration = Duration.ofNanos(System.nanoTime() - began);
                return this;
            } catch (PortClash clash) {
                stopAll();
                lastClash = clash;
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
        close();
        throw new NatsServerStartException("cluster " + name + " did not start in " + START_ATTEMPTS
                + " attempts: each time a port picked as free was taken before nats-server bound it", lastClash);
    }

    private void createServers(int attempt) {
        servers.clear();
        int[] ports = FreeLoopbackPorts.pick(size * (size > 1 ? 3 : 2));
        for (int i = 0; i < size; i++) {
            String serverName = "n" + i;
            List<String> extraArguments = new ArrayList<>(tlsArguments());
            if (size > 1) {
                List<String> routes = new ArrayList<>();
                for (int j = 0; j < size; j++) {
                    if (j != i) {
                        routes.add("nats://127.0.0.1:" + ports[size * 2 + j]);
                    }
                }
                extraArguments.addAll(List.of("--cluster_name", name,
                        "--cluster", "nats://127.0.0.1:" + ports[size * 2 + i], "--routes", String.join(",", routes)));
            }
            servers.add(new NatsServerProcess(serverName, binary, ports[i], ports[size + i],
                    storageRoot.resolve("attempt-" + attempt).resolve(serverName),
                    logDirectory.resolve(serverName + ".log"), extraArguments, credentials));
        }
    }

    private List<String> tlsArguments() {
        return switch (tls) {
            case NONE -> List.of();
            case SERVER -> List.of("--tls", "--tlscert", certificates.serverCertPem().toString(),
                    "--tlskey", certificates.serverKeyPem().toString());
            case MUTUAL -> List.of("--tlsverify", "--tlscert", certificates.serverCertPem().toString(),
                    "--tlskey", certificates.serverKeyPem().toString(), "--tlscacert", certificates.caPem().toString());
        };
    }

    /** Whether clients must use TLS, and whether they must present a certificate too. */
    private enum Tls { NONE, SERVER, MUTUAL }

    /**
     * Polls the servers that should be running until all are ready (see the class comment) or the deadline
     * passes. One that has exited (even before the first poll) fails at once: as a {@link PortClash} if its
     * log says a port was taken.
     */
    private void awaitReady(List<NatsServerProcess> running, long deadlineNanos, String what) {
        boolean clustered = size > 1;
        int expectedRoutes = running.size() - 1;
        boolean quorum = running.size() * 2 > size;
        AtomicReference<NatsServerProcess> notReady = new AtomicReference<>();
        AtomicReference<NatsMonitor.Status> seen = new AtomicReference<>();
        Duration left = Duration.ofNanos(Math.max(MIN_WAIT.toNanos(), deadlineNanos - System.nanoTime()));
        try {
            // a server that exited throws from the condition, and Awaitility rethrows it at once
            await().atMost(left).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(POLL_MILLIS))
                    .until(() -> {
                        for (NatsServerProcess server : running) {
                            failIfExited(server, what);
                            NatsMonitor.Status status = monitor.status(server.monitorPort(), clustered);
                            if (!status.healthy() || clustered && (status.routes() < expectedRoutes
                                    || quorum && status.metaLeader() == null)) {
                                notReady.set(server);
                                seen.set(status);
                                return false;
                            }
                        }
                        return true;
                    });
        } catch (ConditionTimeoutException timeout) {
            throw new NatsServerStartException("nats-server " + notReady.get() + " was not ready within "
                    + startTimeout.toMillis() + " ms during " + what + " of cluster " + name + " (expected "
                    + (clustered ? expectedRoutes + " route(s) and a JetStream meta leader" : "healthz ok")
                    + "; last seen: " + seen.get().describe() + "); last lines of its log:" + System.lineSeparator()
                    + notReady.get().logTail(15));
        }
    }

    /** A server that has exited fails the start at once: as a {@link PortClash} if its log says a port was taken. */
    private void failIfExited(NatsServerProcess server, String what) {
        if (!server.isAlive()) {
            String message = "nats-server " + server + " exited with code " + server.exitCode()
                    + " during " + what + " of cluster " + name + "; last lines of its log:"
                    + System.lineSeparator() + server.logTail(15);
            if (server.logShowsPortClash()) {
                throw new PortClash(message);
            }
            throw new NatsServerStartException(message);
        }
    }

    private void stopAll() {
        // SIGTERM everyone first so they shut down in parallel, then wait for each
        for (NatsServerProcess server : servers) {
            if (server.isAlive()) {
                server.stop(0);
            }
        }
        for (NatsServerProcess server : servers) {
            server.stop(STOP_GRACE_MILLIS);
        }
    }

    private NatsServerProcess server(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("server " + i + " of cluster " + name + ", which has " + size);
        }
        return servers.get(i);
    }

    private void locked(Runnable action) {
        lifecycle.lock();
        try {
            action.run();
        } finally {
            lifecycle.unlock();
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the JetStream storage " + root, e);
        }
    }

    @Override
    public String toString() {
        return "NatsCluster[" + name + ", " + size + " server(s), logs " + logDirectory + "]";
    }

    /** A server exited because a port picked as free was taken meanwhile: start again on fresh ports. */
    private static final class PortClash extends NatsServerStartException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        PortClash(String message) {
            super(message);
        }
    }

    /** Options of a {@link NatsCluster}; {@link #start()} starts it and waits until it is ready. */
    public static final class Builder {
        private int servers = 1;
        private String name = "nats";
        private NatsCredentials credentials = NatsCredentials.NONE;
        private Tls tls = Tls.NONE;
        private Duration startTimeout = Duration.ofSeconds(20);
        private Path logDirectory;
        private Path binary;

        private Builder() {
        }

        /** How many servers: 1 (a single server) or more (a cluster; 3 for JetStream replicas 3). */
        public Builder servers(int servers) {
            if (servers < 1 || servers > 9) {
                throw new IllegalArgumentException("servers must be 1 to 9, was " + servers);
            }
            this.servers = servers;
            return this;
        }

        /** A readable prefix of the cluster's unique name, e.g. the test class's simple name. */
        public Builder name(String name) {
            if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("name must be letters, digits, '_', '.' or '-', was " + name);
            }
            this.name = name;
            return this;
        }

        /** Clients must authenticate with this user and password. */
        public Builder userPassword(String user, String password) {
            requireCredential(user, "user");
            requireCredential(password, "password");
            this.credentials = new NatsCredentials.UserPassword(user, password);
            return this;
        }

        /** Clients must authenticate with this token. */
        public Builder token(String token) {
            requireCredential(token, "token");
            this.credentials = new NatsCredentials.Token(token);
            return this;
        }

        /**
         * Clients must connect with TLS (client connections only; routes stay plain on loopback). A CA and
         * a server certificate for 127.0.0.1 are generated for the cluster ({@link #certificates()}), and
         * {@link #clientOptions()} trusts that CA.
         */
        public Builder tls() {
            this.tls = Tls.SERVER;
            return this;
        }

        /** As {@link #tls()}, and clients must also present a certificate signed by the test CA. */
        public Builder mutualTls() {
            this.tls = Tls.MUTUAL;
            return this;
        }

        /** How long a start or restart may take until every server is ready (20 s by default). */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /** Where the cluster's log directory goes (default {@code target/nats-servers}). */
        public Builder logDirectory(Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
            return this;
        }

        /** The nats-server executable (default: {@link NatsServerBinary#locate()}). */
        public Builder binary(Path binary) {
            this.binary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /**
         * Starts the servers and waits until all are ready.
         *
         * @throws NatsServerNotInstalledException if there is no nats-server on this machine
         * @throws NatsServerStartException if a server does not start or become ready in time
         */
        public NatsCluster start() {
            return new NatsCluster(this).startServers();
        }

        private static void requireCredential(String value, String what) {
            if (value == null || value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(what + " must be non-empty without whitespace");
            }
        }
    }
}
