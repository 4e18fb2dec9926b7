package io.airssys.rt.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's quick start is QuickStart.java, verbatim, and it runs. */
class ReadmeTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void theReadmeQuickStartIsTheCompiledQuickStart() throws Exception {
        String source = Files.readString(MODULE.resolve("src/main/java/io/airssys/rt/examples/QuickStart.java"));
        String snippet = source.substring(
                source.indexOf('\n', source.indexOf("// README-QUICKSTART-BEGIN")) + 1,
                source.indexOf("// README-QUICKSTART-END")).strip();
        String readme = Files.readString(MODULE.resolveSibling("README.md"));
        assertThat(readme).contains(snippet);
    }

    @Test
    void theQuickStartRuns() {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("log: balance requested")
                .contains("Account balance: $125.50");
    }
}
