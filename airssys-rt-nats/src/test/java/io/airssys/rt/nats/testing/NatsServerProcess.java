package io.airssys.rt.nats.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One nats-server process of a {@link NatsCluster}: its fixed ports, its JetStream storage directory and
 * its log file. The ports and the storage survive {@link #stop}, {@link #kill} and {@link #start} again, so a
 * restarted server comes back at the same URL with its JetStream data, as a real restarted server does.
 *
 * <p>Output (stdout and stderr) is appended to the log file, never to the console, and each start writes a
 * header line first. The command line in that header and in error messages has credentials masked: the
 * process arguments carry them (a test server only), the logs never do.
 *
 * <p>Every live process is also known to one JVM shutdown hook that kills it, so a test JVM that exits
 * without closing its clusters (a surefire timeout, Ctrl-C) leaves no nats-server behind.
 */
final class NatsServerProcess {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "nats-server-reaper"));
    }

    private final String name;
    private final Path binary;
    private final int clientPort;
    private final int monitorPort;
    private final Path storeDirectory;
    private final Path logFile;
    private final List<String> arguments;
    private final String maskedCommand;
    private Process process;

    NatsServerProcess(String name, Path binary, int clientPort, int monitorPort, Path storeDirectory,
                      Path logFile, List<String> extraArguments, NatsCredentials credentials) {
        this.name = name;
        this.binary = binary;
        this.clientPort = clientPort;
        this.monitorPort = monitorPort;
        this.storeDirectory = storeDirectory;
        this.logFile = logFile;
        List<String> args = new ArrayList<>(List.of(
                "-a", "127.0.0.1", "-p", Integer.toString(clientPort), "-m", Integer.toString(monitorPort),
                "-n", name, "-js", "-sd", storeDirectory.toString()));
        args.addAll(extraArguments);
        List<String> masked = new ArrayList<>(args);
        credentials.appendServerArguments(args, masked);
        this.arguments = List.copyOf(args);
        this.maskedCommand = binary + " " + String.join(" ", masked);
    }

    String name() {
        return name;
    }

    String url() {
        return "nats://127.0.0.1:" + clientPort;
    }

    int clientPort() {
        return clientPort;
    }

    int monitorPort() {
        return monitorPort;
    }

    Path logFile() {
        return logFile;
    }

    Path storeDirectory() {
        return storeDirectory;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code if the process has exited, else null (also when it never started). */
    Integer exitCode() {
        return process != null && !process.isAlive() ? process.exitValue() : null;
    }

    void start() {
        if (isAlive()) {
            throw new IllegalStateException("nats-server " + name + " is already running at " + url());
        }
        List<String> command = new ArrayList<>(arguments.size() + 1);
        command.add(binary.toString());
        command.addAll(arguments);
        try {
            Files.createDirectories(storeDirectory);
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== airssys test infrastructure, " + Instant.now() + ": starting " + name
                            + ": " + maskedCommand + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new NatsServerStartException("could not start nats-server " + name + " (" + maskedCommand
                    + "); log: " + logFile, e);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited after {@code graceMillis}. */
    void stop(long graceMillis) {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(graceMillis)) {
            process.destroyForcibly();
            waitFor(graceMillis);
        }
        LIVE.remove(process);
    }

    /** SIGKILL: a crash, no goodbye to the clients or the cluster. */
    void kill(long waitMillis) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(waitMillis);
        LIVE.remove(process);
    }

    private boolean waitFor(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Whether the log says a port was taken (another process bound it after it was picked as free). */
    boolean logShowsPortClash() {
        return logTail(200).contains("address already in use");
    }

    /** The last {@code lines} lines of the log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the log of nats-server " + name + ": " + logFile, e);
        }
    }

    @Override
    public String toString() {
        return name + " at " + url() + " (monitoring port " + monitorPort + ", log " + logFile + ")";
    }
}
