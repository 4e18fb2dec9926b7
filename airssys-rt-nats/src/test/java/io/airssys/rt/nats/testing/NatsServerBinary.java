package io.airssys.rt.nats.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the {@code nats-server} executable: the system property {@value #PROPERTY} if set, else the first
 * {@code nats-server} on {@code PATH}, else {@code /usr/sbin} (where Debian's package puts it, often not on a
 * user's PATH), {@code /usr/local/bin}, {@code /usr/bin}. None found is a
 * {@link NatsServerNotInstalledException} that says how to install it.
 */
public final class NatsServerBinary {

    /** System property naming the nats-server executable to use instead of searching for one. */
    public static final String PROPERTY = "airssys.nats.server";

    private static final String NAME = "nats-server";
    private static final List<Path> WELL_KNOWN_DIRECTORIES =
            List.of(Path.of("/usr/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/bin"));

    private NatsServerBinary() {
    }

    /** The executable for this machine, as described in the class comment. */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new NatsServerNotInstalledException(List.of(path));
            }
            return path;
        }
        return locate(System.getenv("PATH"), WELL_KNOWN_DIRECTORIES);
    }

    /**
     * The first executable {@code nats-server} in the directories of {@code pathVariable} (a PATH-style
     * list, may be null), then in {@code fallbackDirectories}.
     *
     * @throws NatsServerNotInstalledException if there is none, naming every directory searched
     */
    static Path locate(String pathVariable, List<Path> fallbackDirectories) {
        List<Path> searched = new ArrayList<>();
        if (pathVariable != null) {
            for (String entry : pathVariable.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    searched.add(Path.of(entry));
                }
            }
        }
        for (Path directory : fallbackDirectories) {
            if (!searched.contains(directory)) {
                searched.add(directory);
            }
        }
        for (Path directory : searched) {
            Path candidate = directory.resolve(NAME);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new NatsServerNotInstalledException(searched);
    }
}
