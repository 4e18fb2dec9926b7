package io.airssys.rt.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

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

    /**
     * The quick start prints a dollar amount, which reads the same on every machine: its output
     * must not follow the default locale (under Locale.GERMANY a plain {@code %.2f} prints
     * {@code $125,50}).
     */
    @ParameterizedTest
    @MethodSource("locales")
    void theQuickStartRunsAndPrintsTheSameWhateverTheDefaultLocale(Locale locale) {
        Locale originalLocale = Locale.getDefault();
        Locale originalFormat = Locale.getDefault(Locale.Category.FORMAT);
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Locale.setDefault(locale); // sets the FORMAT category too
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(original);
            Locale.setDefault(originalLocale);
            Locale.setDefault(Locale.Category.FORMAT, originalFormat);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("log: balance requested")
                .contains("Account balance: $125.50");
    }

    static Stream<Locale> locales() {
        // the machine's own, one with a decimal point, two with a decimal comma
        return Stream.of(Locale.getDefault(Locale.Category.FORMAT), Locale.US, Locale.GERMANY, Locale.FRANCE);
    }
}
